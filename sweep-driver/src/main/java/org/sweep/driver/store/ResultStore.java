package org.sweep.driver.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 * OUT/_commits/&lt;wave&gt;                        commit marker: the wave's files are valid
 * </pre>
 *
 * A wave becomes visible in three steps: Spark writes it into {@code _staging/<wave>}; its part
 * files are renamed into the table folders with the wave id in their names; then the marker
 * {@code _commits/<wave>} is created (written as {@code <wave>.tmp} and renamed atomically). A file
 * whose wave has no marker is not part of any table: readers ({@link #view}) skip it, and
 * {@link #recover()} (run under the lock before every {@code run}) deletes it together with every
 * staging folder. Killing the driver at any moment therefore loses at most the wave in flight and
 * never leaves half a wave visible. The {@code sweeps} table uses the same protocol with one
 * single-row file per run; at the end of a run that file is replaced atomically by the finished
 * record.
 */
public final class ResultStore {
    /** {@code part-<wave>-<index>.parquet}; wave ids are {@code [ws]<utc time>_<random>_<seq>}. */
    private static final Pattern PART = Pattern.compile("part-([ws]\\d{8}T\\d{6}_[0-9a-f]{8}_\\d{4,})-(\\d{5})\\.parquet");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    private final Path out;
    private final String runPrefix;
    private int sequence;

    public ResultStore(Path out) {
        this.out = out.toAbsolutePath().normalize();
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        this.runPrefix = LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + "_"
                + java.util.HexFormat.of().formatHex(r);
    }

    public Path out() {
        return out;
    }

    public Path stagingDir(String waveId) {
        return out.resolve("_staging").resolve(waveId);
    }

    public Path commitsDir() {
        return out.resolve("_commits");
    }

    /** The folder of one sweep's partition of a table, e.g. {@code OUT/runs/sweep=quickstart}. */
    public Path partitionDir(String table, String sweep) {
        return out.resolve(table).resolve(Tables.PARTITION + "=" + ExternalCatalogUtils.escapePathName(sweep));
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
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException("output path " + out + " exists and is not a directory");
        }
        try {
            Files.createDirectories(out);
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException("cannot create output directory " + out + ": "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
        }
        if (!Files.isWritable(out)) {
            throw new IOException("output directory " + out + " is not writable");
        }
        Files.createDirectories(commitsDir());
    }

    /** Wave ids that have a commit marker. */
    public Set<String> committedWaves() {
        Set<String> ids = new HashSet<>();
        Path dir = commitsDir();
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".tmp")) {
                    ids.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    /** Wave id of a part file name, or null when the name is not one of ours. */
    public static String waveOf(String fileName) {
        Matcher m = PART.matcher(fileName);
        return m.matches() ? m.group(1) : null;
    }

    /** Every data file of a table (all sweeps) whose wave is or is not committed. */
    private List<Path> tableFiles(String table, Set<String> committed, boolean wantCommitted) {
        Path dir = out.resolve(table);
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> partitions = Files.list(dir)) {
            for (Path part : (Iterable<Path>) partitions::iterator) {
                if (!Files.isDirectory(part) || !part.getFileName().toString().startsWith(Tables.PARTITION + "=")) {
                    continue;
                }
                try (Stream<Path> fs = Files.list(part)) {
                    for (Path f : (Iterable<Path>) fs::iterator) {
                        String wave = waveOf(f.getFileName().toString());
                        if (wave != null && committed.contains(wave) == wantCommitted) {
                            files.add(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    /** The committed data files of a table. */
    public List<Path> committedFiles(String table) {
        return tableFiles(table, committedWaves(), true);
    }

    /**
     * Deletes everything a killed run may have left: staging folders, unrenamed markers and moved
     * part files of waves without a commit marker. Call only while holding the lock.
     *
     * @return the number of deleted part files outside staging (0 after a clean shutdown)
     */
    public int recover() throws IOException {
        deleteTree(out.resolve("_staging"));
        Path commits = commitsDir();
        if (Files.isDirectory(commits)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(commits, "*.tmp")) {
                for (Path p : ds) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Set<String> committed = committedWaves();
        int removed = 0;
        for (String table : Tables.ALL) {
            for (Path f : tableFiles(table, committed, false)) {
                Files.deleteIfExists(f);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Moves the part files Spark wrote into {@code _staging/<wave>/<table>} into the table's
     * partition folder of {@code sweep}, named {@code part-<wave>-NNNNN.parquet}. Nothing is visible
     * until {@link #markCommitted} runs.
     *
     * @return the number of files moved
     */
    public int moveStaged(String waveId, String table, String sweep) throws IOException {
        Path src = stagingDir(waveId).resolve(table);
        Path dst = partitionDir(table, sweep);
        Files.createDirectories(dst);
        List<Path> parts = new ArrayList<>();
        if (Files.isDirectory(src)) {
            try (Stream<Path> fs = Files.list(src)) {
                fs.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith("part-") && n.endsWith(".parquet");
                }).sorted().forEach(parts::add);
            }
        }
        int i = 0;
        for (Path p : parts) {
            Path target = dst.resolve(String.format("part-%s-%05d.parquet", waveId, i++));
            Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
        }
        return parts.size();
    }

    /** Writes the commit marker of a wave (atomically: a temp file renamed). */
    public void markCommitted(String waveId, String description) throws IOException {
        Path tmp = commitsDir().resolve(waveId + ".tmp");
        Files.writeString(tmp, description, StandardCharsets.UTF_8);
        Files.move(tmp, commitsDir().resolve(waveId), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes the staging folder of a wave. */
    public void dropStaging(String waveId) throws IOException {
        deleteTree(stagingDir(waveId));
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * A DataFrame over the committed files of a table, with the documented schema (empty with that
     * schema when nothing is committed). Uncommitted files are never read.
     */
    public Dataset<Row> view(SparkSession spark, String table) {
        List<Path> files = committedFiles(table);
        String[] cols = Tables.schema(table).fieldNames();
        if (files.isEmpty()) {
            return spark.createDataFrame(List.of(), Tables.schema(table));
        }
        String[] paths = files.stream().map(p -> p.toUri().toString()).toArray(String[]::new);
        Dataset<Row> df = spark.read()
                .schema(Tables.schema(table))
                .option("basePath", out.resolve(table).toUri().toString())
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
