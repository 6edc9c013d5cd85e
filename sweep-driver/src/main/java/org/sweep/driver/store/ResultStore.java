package org.sweep.driver.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;

/**
 * The output directory and its commit protocol.
 *
 * <pre>
 * OUT/_lock                                   owner of the directory (see {@link OutputLock})
 * OUT/_staging/&lt;wave&gt;/&lt;table&gt;/part-*.parquet   what Spark wrote for a wave, not yet visible
 * OUT/&lt;table&gt;/sweep=&lt;name&gt;/part-&lt;wave&gt;-NNNNN.parquet   moved part files of a wave
 * OUT/_commits/&lt;wave&gt;.pending                a wave is being moved (its files may be in place)
 * OUT/_commits/&lt;wave&gt;                        commit record: the wave's files, rows per table
 * OUT/_quarantine/&lt;run&gt;/...                  files recovery or repair moved aside (never deleted)
 * </pre>
 *
 * A wave becomes visible in four steps: Spark writes it into {@code _staging/<wave>}; the record
 * {@code _commits/<wave>.pending} is written; its part files are renamed into the table folders
 * with the wave id in their names; then the commit record {@code _commits/<wave>} (a {@link Marker}
 * listing the files and row counts of every table, written as {@code <wave>.tmp} and renamed
 * atomically) makes them visible, and the pending record is removed. A file whose wave has no
 * commit record is not part of any table: readers ({@link #view}) skip it. Killing the driver at any
 * moment therefore loses at most the wave in flight and never leaves half a wave visible.
 *
 * <h2>Recovery never deletes data it cannot place</h2>
 * {@link #recover(String)} (run under the lock before every {@code run}) deletes the scratch area
 * {@code _staging} and moves the files of uncommitted waves of the sweep being run into
 * {@code _quarantine} &mdash; only files it can prove belong to an interrupted wave: one with a
 * pending record, or one of a run that committed other waves here. A data file with no such proof
 * (e.g. {@code _commits} was lost, so committed data looks uncommitted) stops the run with a one-line
 * message and nothing is moved. Files in other sweeps' folders are never touched.
 *
 * <h2>Damage</h2>
 * A committed wave whose listed files are missing, or whose files hold other row counts than its
 * record (checked from the Parquet footers by {@link TableCheck}), is damaged: readers leave the
 * whole wave out (so no task appears with half its rows), {@code status} and {@code sql} report it,
 * and {@link #repair} (run by {@code run} for its own sweep) moves the wave's surviving files and its
 * record into quarantine so that exactly its tasks run again.
 *
 * The {@code sweeps} table uses the same protocol with one single-row file per run; at the end of a
 * run that file is replaced atomically by the finished record.
 */
public final class ResultStore {
    /** {@code part-<wave>-<index>.parquet}; wave ids are {@code [ws]<utc time>_<random>_<seq>}. */
    private static final Pattern PART = Pattern.compile("part-([ws]\\d{8}T\\d{6}_[0-9a-f]{8}_\\d{4,})-(\\d{5})\\.parquet");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    static final String PENDING = ".pending";
    /** Record key of a compaction: the waves whose rows it holds ({@link Compaction}). */
    static final String REPLACES = "replaces";

    /** One data file of a table: its table, the wave that wrote it (null if not one of ours), the path. */
    public record DataFile(String table, String partition, String wave, Path path) {
    }

    /** A committed wave whose files do not match its record; readers leave it out. */
    public record Damage(String wave, String sweep, String problem) {
        public String line() {
            return "wave " + wave + " of sweep " + sweep + " is damaged: " + problem;
        }
    }

    /** Recovery refused: data files that no commit record accounts for. */
    public static final class UnprovenFilesException extends IOException {
        UnprovenFilesException(String message) {
            super(message);
        }
    }

    /** What {@link #recover} did. */
    public record Recovery(int quarantinedFiles, Path quarantine) {
    }

    /** The root: a plain path (java.nio) or a URI with a scheme (Hadoop file system). */
    private final Path root;
    private final Configuration conf;
    private final StoreFs fs;
    private final String runPrefix;
    private int sequence;
    /** Commit records read so far; a record never changes once written. */
    private final Map<String, Marker> markers = new ConcurrentHashMap<>();
    /** Waves found damaged by the footer check ({@link TableCheck}), with the problem. */
    private final Map<String, Damage> footerDamage = new ConcurrentHashMap<>();

    /** A store on a local folder, served by java.nio as always. */
    public ResultStore(java.nio.file.Path out) {
        this(new Path(out.toAbsolutePath().normalize().toString()), new Configuration(false));
    }

    /**
     * The store at {@code location}: a plain path (relative to the working directory) or a URI that
     * names a Hadoop file system ({@code file:///...}, {@code hdfs://nn:8020/...}, {@code s3a://bucket/...}).
     */
    public static ResultStore at(String location) {
        if (!hasScheme(location)) {
            return new ResultStore(java.nio.file.Path.of(location));
        }
        return new ResultStore(new Path(URI.create(location)), new Configuration());
    }

    /** Whether the text is a URI with a scheme of two or more letters (not a plain or Windows path). */
    public static boolean hasScheme(String location) {
        return location.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
    }

    private ResultStore(Path root, Configuration conf) {
        this.root = root;
        this.conf = conf;
        try {
            this.fs = StoreFs.of(root, conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + root + ": " + e.getMessage(), e);
        }
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        this.runPrefix = LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + "_"
                + java.util.HexFormat.of().formatHex(r);
    }

    /** The root as a Hadoop path (a plain path for local stores, else a URI). */
    public Path root() {
        return root;
    }

    /** The root as the user sees it in messages. */
    public String location() {
        return root.toString();
    }

    @Override
    public String toString() {
        return location();
    }

    /** Whether the store is on the local file system (a plain path or a file: URI). */
    public boolean isLocal() {
        String scheme = root.toUri().getScheme();
        return scheme == null || scheme.equals("file");
    }

    /** The local folder of a local store (see {@link #isLocal()}). */
    public java.nio.file.Path out() {
        if (!isLocal()) {
            throw new IllegalStateException(root + " is not on the local file system");
        }
        return java.nio.file.Path.of(root.toUri().getPath());
    }

    /** The Hadoop configuration the store's files are read with. */
    public Configuration hadoopConf() {
        return conf;
    }

    StoreFs fs() {
        return fs;
    }

    private Path under(String... names) {
        Path p = root;
        for (String n : names) {
            p = new Path(p, n);
        }
        return p;
    }

    public Path stagingDir(String waveId) {
        return under("_staging", waveId);
    }

    /** Where Spark writes a wave's table before the commit, as a string for {@code DataFrameWriter}. */
    public String staged(String waveId, String table) {
        return spark(new Path(stagingDir(waveId), table));
    }

    /**
     * A location as Spark is given it: a local store's paths as {@code file:} URIs, so that a
     * cluster's default file system (e.g. HDFS from HADOOP_CONF_DIR) never reinterprets them.
     */
    public String sparkPath(Path p) {
        return spark(p);
    }

    private String spark(Path p) {
        return p.toUri().getScheme() == null ? new Path("file", null, p.toUri().getPath()).toString() : p.toString();
    }

    public Path commitsDir() {
        return under("_commits");
    }

    /** Where this store instance moves what recovery or repair takes out of the tables. */
    public Path quarantineDir() {
        return under("_quarantine", runPrefix);
    }

    /** The folder of one sweep's partition of a table, e.g. {@code OUT/runs/sweep=quickstart}. */
    public Path partitionDir(String table, String sweep) {
        return new Path(under(table), partitionName(sweep));
    }

    private static String partitionName(String sweep) {
        return Tables.PARTITION + "=" + ExternalCatalogUtils.escapePathName(sweep);
    }

    /** A new wave id, unique to this store instance and ordered by creation. */
    public synchronized String newWaveId() {
        return "w" + runPrefix + "_" + String.format("%04d", ++sequence);
    }

    /** A new id for the single-row file of a {@code sweeps} record. */
    public synchronized String newSweepRecordId() {
        return "s" + runPrefix + "_" + String.format("%04d", ++sequence);
    }

    /** Creates the directory layout; fails with a clear message when OUT is a file or not writable. */
    public void init() throws IOException {
        if (fs.exists(root) && !fs.isDirectory(root)) {
            throw new IOException("output path " + root + " exists and is not a directory");
        }
        try {
            fs.mkdirs(root);
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException("cannot create output directory " + root + ": "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
        } catch (IOException e) {
            throw new IOException("cannot create output directory " + root + ": " + e.getMessage(), e);
        }
        if (!fs.writable(root)) {
            throw new IOException("output directory " + root + " is not writable");
        }
        if (!fs.isDirectory(commitsDir())) {
            fs.mkdirs(commitsDir());
        }
    }

    /** Whether the store's root folder exists. */
    public boolean exists() throws IOException {
        return fs.isDirectory(root);
    }

    /** Takes the store's {@link OutputLock}. */
    public OutputLock lock() throws IOException, OutputLock.HeldException {
        return OutputLock.acquire(fs, root, OutputLock.TakeoverHook.NONE, System.err);
    }

    // ---------------------------------------------------------------- records

    private List<String> commitNames() {
        try {
            return fs.list(commitsDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wave ids that have a commit record. */
    public Set<String> committedWaves() {
        Set<String> ids = new HashSet<>();
        for (String name : commitNames()) {
            if (name.indexOf('.') < 0) {
                ids.add(name);
            }
        }
        return ids;
    }

    /** Wave ids with a pending record (moving started, not committed). */
    Set<String> pendingWaves() {
        Set<String> ids = new HashSet<>();
        for (String name : commitNames()) {
            if (name.endsWith(PENDING)) {
                ids.add(name.substring(0, name.length() - PENDING.length()));
            }
        }
        return ids;
    }

    /** The commit record of a committed wave. */
    public Marker marker(String wave) {
        return markers.computeIfAbsent(wave, w -> {
            try {
                byte[] b = fs.readOrNull(new Path(commitsDir(), w));
                return Marker.parse(w, b == null ? "" : new String(b, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Wave id of a part file name, or null when the name is not one of ours. */
    public static String waveOf(String fileName) {
        Matcher m = PART.matcher(fileName);
        return m.matches() ? m.group(1) : null;
    }

    /** The run part of a wave id ({@code <time>_<random>}): waves of one store instance share it. */
    static String runOf(String wave) {
        return wave.substring(1, wave.lastIndexOf('_'));
    }

    // ---------------------------------------------------------------- listing

    /** Every data file of our naming in the partition folders of the tables (all sweeps). */
    public List<DataFile> dataFiles() {
        List<DataFile> files = new ArrayList<>();
        for (String table : Tables.ALL) {
            Path dir = under(table);
            try {
                for (String pname : fs.list(dir)) {
                    if (!pname.startsWith(Tables.PARTITION + "=")) {
                        continue;
                    }
                    Path part = new Path(dir, pname);
                    for (String name : fs.list(part)) {
                        String wave = waveOf(name);
                        if (wave != null) {
                            files.add(new DataFile(table, pname, wave, new Path(part, name)));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        files.sort(Comparator.comparing(f -> f.path().toString()));
        return files;
    }

    /**
     * The damaged committed waves: listed files missing (or, for old records, fewer files than
     * recorded), and whatever the footer check ({@link TableCheck}) found.
     */
    public List<Damage> damage() {
        return damage(dataFiles(), committedWaves());
    }

    private List<Damage> damage(List<DataFile> files, Set<String> committed) {
        Map<String, Set<String>> present = new TreeMap<>();
        for (DataFile f : files) {
            if (committed.contains(f.wave())) {
                present.computeIfAbsent(f.wave(), w -> new HashSet<>())
                        .add(f.table() + "/" + f.partition() + "/" + f.path().getName());
            }
        }
        List<Damage> list = new ArrayList<>();
        for (String wave : new java.util.TreeSet<>(committed)) {
            Marker m = marker(wave);
            Set<String> have = present.getOrDefault(wave, Set.of());
            String sweep = m.sweep() == null ? "?" : m.sweep();
            String problem = null;
            if (m.listsFiles()) {
                List<String> missing = new ArrayList<>();
                int listed = 0;
                for (String table : m.tables()) {
                    for (String name : m.files(table)) {
                        listed++;
                        if (!have.contains(table + "/" + partitionName(sweep) + "/" + name)) {
                            missing.add(table + "/" + partitionName(sweep) + "/" + name);
                        }
                    }
                }
                if (!missing.isEmpty()) {
                    problem = missing.size() + " of its " + listed + " files are missing (" + missing.get(0)
                            + (missing.size() > 1 ? ", ..." : "") + ")";
                }
            } else if (m.legacyFileCount() >= 0 && have.size() < m.legacyFileCount()) {
                problem = (m.legacyFileCount() - have.size()) + " of its " + m.legacyFileCount()
                        + " files are missing";
            }
            if (problem == null && footerDamage.containsKey(wave)) {
                problem = footerDamage.get(wave).problem();
            }
            if (problem != null) {
                list.add(new Damage(wave, sweep, problem));
            }
        }
        return list;
    }

    /** Records a wave found damaged by reading its files (row counts, unreadable footers). */
    void markDamaged(String wave, String problem) {
        Marker m = marker(wave);
        footerDamage.put(wave, new Damage(wave, m.sweep() == null ? "?" : m.sweep(), problem));
    }

    /** Waves whose rows a committed compaction holds (named in its record's {@code replaces}). */
    public Set<String> replacedWaves() {
        Set<String> replaced = new HashSet<>();
        for (String w : committedWaves()) {
            String list = marker(w).props().getProperty(REPLACES);
            if (list != null) {
                for (String r : list.split(",")) {
                    if (!r.isBlank()) {
                        replaced.add(r.trim());
                    }
                }
            }
        }
        return replaced;
    }

    /**
     * Removes the records and files of waves a committed compaction replaces (their rows are in the
     * compaction's wave, so nothing is lost): records first, each making its wave invisible at once.
     */
    void dropReplaced(Set<String> waves) throws IOException {
        if (waves.isEmpty()) {
            return;
        }
        Set<String> replaced = replacedWaves();
        for (String w : waves) {
            if (!replaced.contains(w)) {
                throw new IllegalStateException("wave " + w + " is not replaced by a committed compaction");
            }
            fs.delete(new Path(commitsDir(), w));
            markers.remove(w);
        }
        for (DataFile f : dataFiles()) {
            if (waves.contains(f.wave())) {
                fs.delete(f.path());
            }
        }
    }

    /**
     * The names, sizes and modification times of every file under a table's folder, one line each:
     * equal strings mean the table's files did not change in between.
     */
    public String fingerprint(String table) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line : fs.fileLines(under(table))) {
            b.append(line).append('\n');
        }
        return b.toString();
    }

    /** Size of a file in bytes. */
    public long size(Path file) throws IOException {
        return fs.size(file);
    }

    /** The data files of committed, undamaged waves, grouped by wave (waves replaced by a compaction left out). */
    public Map<String, List<DataFile>> committedByWave() {
        List<DataFile> files = dataFiles();
        Set<String> committed = committedWaves();
        committed.removeAll(replacedWaves());
        Set<String> damaged = new HashSet<>();
        for (Damage d : damage(files, committed)) {
            damaged.add(d.wave());
        }
        Map<String, List<DataFile>> byWave = new TreeMap<>();
        for (DataFile f : files) {
            if (committed.contains(f.wave()) && !damaged.contains(f.wave())) {
                byWave.computeIfAbsent(f.wave(), w -> new ArrayList<>()).add(f);
            }
        }
        return byWave;
    }

    /** The committed data files of a table (waves that are committed and not damaged). */
    public List<Path> committedFiles(String table) {
        List<Path> files = new ArrayList<>();
        for (List<DataFile> wave : committedByWave().values()) {
            for (DataFile f : wave) {
                if (f.table().equals(table)) {
                    files.add(f.path());
                }
            }
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    // ---------------------------------------------------------------- recovery and repair

    /**
     * Clears what a killed run may have left, before a run of {@code sweep}: deletes the scratch
     * folder {@code _staging} and unrenamed commit records, and moves the files of uncommitted waves
     * in {@code sweep}'s folders into {@link #quarantineDir()}. Call only while holding the lock.
     *
     * @throws UnprovenFilesException (nothing changed) when a data file of {@code sweep} belongs to
     *         no commit record, no pending record and no run that committed here
     */
    public Recovery recover(String sweep) throws IOException {
        Set<String> committed = committedWaves();
        Set<String> pending = pendingWaves();
        Set<String> knownRuns = new HashSet<>();
        for (String w : committed) {
            knownRuns.add(runOf(w));
        }
        for (String w : pending) {
            knownRuns.add(runOf(w));
        }
        Set<String> replaced = replacedWaves();
        String partition = partitionName(sweep);
        List<DataFile> orphans = new ArrayList<>();
        List<DataFile> unproven = new ArrayList<>();
        for (DataFile f : dataFiles()) {
            if (!f.partition().equals(partition) || committed.contains(f.wave())) {
                continue;
            }
            if (pending.contains(f.wave()) || replaced.contains(f.wave()) || knownRuns.contains(runOf(f.wave()))) {
                orphans.add(f);
            } else {
                unproven.add(f);
            }
        }
        if (!unproven.isEmpty()) {
            Set<String> waves = new java.util.TreeSet<>();
            unproven.forEach(f -> waves.add(f.wave()));
            throw new UnprovenFilesException(root + " holds " + unproven.size() + " data file(s) of sweep " + sweep
                    + " in " + waves.size() + " wave(s) that no commit record accounts for (e.g. "
                    + relative(unproven.get(0).path()) + (committed.isEmpty() ? "; "
                    + commitsDir() + " holds no commit records" : "") + "); nothing was changed: restore " + commitsDir()
                    + " if it was lost, or move those files away, then run again");
        }
        fs.deleteTree(under("_staging"));
        for (String name : commitNames()) {
            if (name.endsWith(".tmp")) {
                fs.delete(new Path(commitsDir(), name));
            }
        }
        for (DataFile f : orphans) {
            quarantine(f.path());
        }
        // Pending records of waves of this sweep whose files are gone now (or were never moved).
        for (String w : pending) {
            Path p = new Path(commitsDir(), w + PENDING);
            byte[] b = fs.readOrNull(p);
            Marker m = Marker.parse(w, b == null ? "" : new String(b, StandardCharsets.UTF_8));
            if (sweep.equals(m.sweep()) || committed.contains(w)) {
                quarantine(p);
            }
        }
        return new Recovery(orphans.size(), quarantineDir());
    }

    /** A location below the root, relative to it ({@code runs/sweep=x/part-...}). */
    public String relative(Path p) {
        String r = root.toUri().getPath();
        // a root given as a directory URI may end in '/' (file:///tmp/out/)
        while (r.length() > 1 && r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        String s = p.toUri().getPath();
        if (!s.startsWith(r + "/")) {
            throw new IllegalArgumentException(p + " is not inside the output directory " + root);
        }
        return s.substring(r.length() + 1);
    }

    /**
     * Takes the damaged waves of {@code sweep} out of the tables: their surviving files and their
     * commit records move into {@link #quarantineDir()}, so their tasks count as not stored and run
     * again. Damaged waves of other sweeps are left alone. Call only while holding the lock.
     *
     * @return the waves repaired
     */
    public List<Damage> repair(String sweep, List<Damage> damage) throws IOException {
        List<Damage> done = new ArrayList<>();
        Set<String> waves = new HashSet<>();
        for (Damage d : damage) {
            if (sweep.equals(d.sweep())) {
                waves.add(d.wave());
                done.add(d);
            }
        }
        if (waves.isEmpty()) {
            return done;
        }
        for (DataFile f : dataFiles()) {
            if (waves.contains(f.wave())) {
                quarantine(f.path());
            }
        }
        for (String w : waves) {
            quarantine(new Path(commitsDir(), w));
            markers.remove(w);
            footerDamage.remove(w);
        }
        return done;
    }

    /** Moves a file or folder of OUT to the same relative place under {@link #quarantineDir()}. */
    public Path quarantine(Path p) throws IOException {
        Path target = new Path(quarantineDir(), relative(p));
        fs.mkdirs(target.getParent());
        fs.rename(p, target);
        return target;
    }

    // ---------------------------------------------------------------- commit

    /**
     * Commits a staged wave: writes its pending record, moves the part files Spark wrote into
     * {@code _staging/<wave>/<table>} into the tables' partition folders of {@code sweep} (named
     * {@code part-<wave>-NNNNN.parquet}), then writes the commit record with every table's files
     * and row counts (from the Parquet footers) plus {@code extra}, and removes the pending record.
     *
     * @param stage called with {@code moved:<table>} after each table and {@code committed} at the
     *              end (tests simulate a driver killed there)
     */
    public Marker commitWave(String waveId, String sweep, List<String> tables, Map<String, ?> extra,
                             Consumer<String> stage) throws IOException {
        Path pending = new Path(commitsDir(), waveId + PENDING);
        fs.writeAtomic(pending, "sweep=" + sweep + "\n");
        Map<String, List<String>> files = new LinkedHashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : tables) {
            Path src = new Path(stagingDir(waveId), table);
            Path dst = partitionDir(table, sweep);
            fs.mkdirs(dst);
            List<String> names = new ArrayList<>();
            long count = 0;
            int i = 0;
            for (Path p : stagedParts(src)) {
                count += TableCheck.rowCount(p, conf);
                String name = String.format("part-%s-%05d.parquet", waveId, i++);
                fs.rename(p, new Path(dst, name));
                names.add(name);
            }
            files.put(table, names);
            rows.put(table, count);
            stage.accept("moved:" + table);
        }
        String text = Marker.text(sweep, files, rows, extra);
        fs.writeAtomic(new Path(commitsDir(), waveId), text);
        stage.accept("committed");
        fs.delete(pending);
        return Marker.parse(waveId, text);
    }

    /**
     * Replaces the single committed file of a {@code sweeps} record with the one staged for
     * {@code stagingId} (atomically: readers see the old or the new row, never none).
     */
    public void replaceRecord(String recordId, String stagingId, String sweep) throws IOException {
        List<Path> parts = stagedParts(new Path(stagingDir(stagingId), Tables.SWEEPS));
        if (parts.size() != 1) {
            throw new IOException("staged sweeps record " + stagingId + " has " + parts.size() + " files, expected 1");
        }
        fs.replace(parts.get(0), new Path(partitionDir(Tables.SWEEPS, sweep), "part-" + recordId + "-00000.parquet"));
    }

    private List<Path> stagedParts(Path src) throws IOException {
        List<Path> parts = new ArrayList<>();
        for (String n : new java.util.TreeSet<>(fs.list(src))) {
            if (n.startsWith("part-") && n.endsWith(".parquet")) {
                parts.add(new Path(src, n));
            }
        }
        return parts;
    }

    /** Deletes the staging folder of a wave. */
    public void dropStaging(String waveId) throws IOException {
        fs.deleteTree(stagingDir(waveId));
    }

    // ---------------------------------------------------------------- the one owner of moves and deletes

    /** Renames a local file or folder atomically; fails when the target exists. */
    public static void moveAtomic(java.nio.file.Path from, java.nio.file.Path to) throws IOException {
        LOCAL.rename(new Path(from.toString()), new Path(to.toString()));
    }

    /** Deletes a local folder and everything in it (nothing when it does not exist). */
    public static void deleteTree(java.nio.file.Path root) throws IOException {
        LOCAL.deleteTree(new Path(root.toAbsolutePath().toString()));
    }

    private static final StoreFs LOCAL = new StoreFs.Local();

    // ---------------------------------------------------------------- reading

    /**
     * A DataFrame over the committed files of a table, with the documented schema (empty with that
     * schema when nothing is committed). Uncommitted files and damaged waves are never read.
     */
    public Dataset<Row> view(SparkSession spark, String table) {
        return view(spark, table, committedFiles(table));
    }

    /** A DataFrame over the given committed files of a table. */
    public Dataset<Row> view(SparkSession spark, String table, List<Path> files) {
        String[] cols = Tables.schema(table).fieldNames();
        if (files.isEmpty()) {
            return spark.createDataFrame(List.of(), Tables.schema(table));
        }
        String[] paths = files.stream().map(this::spark).toArray(String[]::new);
        Dataset<Row> df = spark.read()
                .schema(Tables.schema(table))
                .option("basePath", spark(under(table)))
                .option("mergeSchema", "true")
                .parquet(paths);
        return df.selectExpr(cols);
    }

    /** Registers the temporary views {@code runs}, {@code trajectories}, {@code spectra}, {@code sweeps}. */
    public void registerViews(SparkSession spark) {
        for (String table : Tables.ALL) {
            view(spark, table).createOrReplaceTempView(table);
        }
    }
}
