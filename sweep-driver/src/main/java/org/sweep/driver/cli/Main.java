package org.sweep.driver.cli;

import org.sweep.driver.run.Progress;

import org.sweep.driver.data.DataException;
import org.sweep.driver.store.OutputLock;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.run.SparkSessions;
import org.sweep.driver.run.SweepRunner;
import org.sweep.driver.run.SweepJob;
import org.sweep.driver.store.TableCheck;
import org.sweep.driver.run.TaskFunction;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.Utils;
import org.sweep.driver.analysis.AnalysisTables;
import org.sweep.driver.analysis.Analyze;
import org.sweep.driver.plan.ConfigException;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.driver.run.FileData;

/**
 * The command line: {@code run}, {@code plan}, {@code sql}, {@code status}, {@code analyze}, {@code help}.
 * Exit codes: 0 done; 1 runtime failure; 2 usage or sweep-file error (reported before Spark starts);
 * 3 the output directory is locked by another run.
 */
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int LOCKED = 3;

    /**
     * Effective GFLOP/s per core assumed by {@code plan} for its time estimate: a conservative rate
     * for the worker's mixed GEMM / elementwise / eigenvalue work on small shapes (well below the
     * ~60-100 GFLOP/s of large GEMMs on this kind of CPU).
     */
    public static final double ASSUMED_GFLOPS_PER_CORE = 10.0;

    static final String USAGE_TEXT = """
            usage: bin/sweep <command> [options]

              run FILE [--out DIR] [--master URL] [--set key=value]... [--ui|--no-ui]
                       [--executor-memory SIZE] [--conf spark.key=value]...
                  run the tasks of a sweep file that are not stored yet (default --out results,
                  --master local[*]); Ctrl-C loses at most the wave in flight, run again to resume
              plan FILE [--set key=value]... [--master URL] [--executor-memory SIZE]
                  validate the sweep file, print task count, estimated work and peak task memory
              sql [--out DIR] [--format table|csv|json] "SELECT ..."
                  read-only Spark SQL over the views runs, trajectories, spectra, sweeps
                  (and thresholds, exponents once an analysis wrote them)
              analyze threshold [--out DIR] --sweep NAME [--criterion C] [--delta 0.1] ...
                  width threshold m* per grid group and its exponent in n ('analyze --help')
              status [--out DIR]
                  per sweep: tasks stored / planned, ok, diverged, failed
              bench [ARGS...]
                  single-core speed of the worker (bin/sweep only)
              help
                  this text

            exit codes: 0 ok, 1 failure, 2 usage or sweep-file error, 3 output directory locked
            """;

    private Main() {
    }

    /** A command-line mistake; printed with the usage hint, exit code 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Parsed options of a subcommand. */
    static final class Args {
        String command;
        final List<String> positional = new ArrayList<>();
        Path out = Path.of("results");
        /** --out as given: a path, or a URI of a Hadoop file system (hdfs://, s3a://, file://). */
        String outLocation = "results";
        String master = "local[*]";
        final List<String> sets = new ArrayList<>();
        final Map<String, String> conf = new LinkedHashMap<>();
        boolean ui;
        String format = "table";
        String executorMemory;

        static Args parse(String[] argv) throws UsageException {
            Args a = new Args();
            if (argv.length == 0) {
                throw new UsageException("no command given");
            }
            a.command = argv[0];
            if (!List.of("run", "plan", "sql", "status", "help", "--help", "-h").contains(a.command)) {
                throw new UsageException("unknown command '" + a.command + "'");
            }
            for (int i = 1; i < argv.length; i++) {
                String s = argv[i];
                String opt = s;
                String inline = null;
                if (s.startsWith("--") && s.contains("=")) {
                    opt = s.substring(0, s.indexOf('='));
                    inline = s.substring(s.indexOf('=') + 1);
                }
                switch (opt) {
                    case "--out" -> {
                        a.outLocation = value(argv, i, opt, inline, a);
                        a.out = ResultStore.hasScheme(a.outLocation) ? Path.of("results") : Path.of(a.outLocation);
                    }
                    case "--master" -> a.master = value(argv, i, opt, inline, a);
                    case "--set" -> {
                        String kv = value(argv, i, opt, inline, a);
                        if (!kv.contains("=") || kv.startsWith("=")) {
                            throw new UsageException("--set expects key=value, got '" + kv + "'");
                        }
                        a.sets.add(kv);
                    }
                    case "--conf" -> {
                        String kv = value(argv, i, opt, inline, a);
                        int eq = kv.indexOf('=');
                        if (eq <= 0 || !kv.startsWith("spark.")) {
                            throw new UsageException("--conf expects spark.key=value, got '" + kv + "'");
                        }
                        a.conf.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    case "--format" -> {
                        a.format = value(argv, i, opt, inline, a);
                        if (!List.of("table", "csv", "json").contains(a.format)) {
                            throw new UsageException("--format must be table, csv or json, got '" + a.format + "'");
                        }
                    }
                    case "--executor-memory" -> a.executorMemory = value(argv, i, opt, inline, a);
                    case "--ui" -> a.ui = true;
                    case "--no-ui" -> a.ui = false;
                    default -> {
                        if (s.startsWith("--")) {
                            throw new UsageException("unknown option '" + s + "' for " + a.command);
                        }
                        a.positional.add(s);
                    }
                }
                if (inline == null && List.of("--out", "--master", "--set", "--conf", "--format", "--executor-memory")
                        .contains(opt)) {
                    i++;
                }
            }
            a.checkShape();
            return a;
        }

        private static String value(String[] argv, int i, String opt, String inline, Args a) throws UsageException {
            if (inline != null) {
                return inline;
            }
            if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
                throw new UsageException(opt + " needs a value");
            }
            return argv[i + 1];
        }

        private void checkShape() throws UsageException {
            switch (command) {
                case "run", "plan" -> {
                    if (positional.size() != 1) {
                        throw new UsageException(command + " expects exactly one sweep file, got " + positional.size()
                                + " arguments" + (positional.isEmpty() ? "" : ": " + positional));
                    }
                }
                case "sql" -> {
                    if (positional.size() != 1) {
                        throw new UsageException("sql expects exactly one quoted statement, got " + positional.size()
                                + " arguments");
                    }
                }
                case "status", "help", "--help", "-h" -> {
                    if (!positional.isEmpty()) {
                        throw new UsageException(command + " takes no arguments, got " + positional);
                    }
                }
                default -> throw new UsageException("unknown command '" + command + "'");
            }
            if (!command.equals("run") && !command.equals("plan") && !sets.isEmpty()) {
                throw new UsageException("--set applies to run and plan only");
            }
        }
    }

    public static void main(String[] argv) {
        int code = execute(argv, System.out, System.err);
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.exit(code);
    }

    /** Runs a command; returns the exit code. Never calls System.exit (tests call this). */
    public static int execute(String[] argv, PrintStream out, PrintStream err) {
        SparkSessions.quietLibraryLogging();
        if (argv.length > 0 && argv[0].equals("analyze")) {
            return Analyze.run(java.util.Arrays.copyOfRange(argv, 1, argv.length), null, out, err);
        }
        Args a;
        try {
            a = Args.parse(argv);
        } catch (UsageException e) {
            err.println("sweep: " + e.getMessage());
            err.println("run 'bin/sweep help' for usage");
            return USAGE;
        }
        try {
            return switch (a.command) {
                case "run" -> run(a, out, err);
                case "plan" -> plan(a, out, err);
                case "sql" -> sql(a, out, err);
                case "status" -> status(a, out, err);
                default -> {
                    out.print(USAGE_TEXT);
                    yield OK;
                }
            };
        } catch (ConfigException e) {
            err.println("sweep: " + e.getMessage());
            return USAGE;
        } catch (UsageException e) {
            err.println("sweep: " + e.getMessage());
            return USAGE;
        } catch (org.sweep.driver.data.DataException e) {
            // A data file found bad while a run loads it (e.g. a gzipped file that ends early).
            err.println("sweep: " + e.getMessage());
            return USAGE;
        } catch (OutputLock.HeldException e) {
            err.println("sweep: " + e.getMessage());
            return LOCKED;
        } catch (Exception e) {
            err.println("sweep: " + a.command + " failed: " + e);
            if (Boolean.getBoolean("sweep.debug")) {
                e.printStackTrace(err);
            }
            return FAILED;
        }
    }

    private static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /** Memory one task may use: the driver heap for local masters, spark.executor.memory otherwise. */
    static long executorMemoryBytes(Args a) throws UsageException {
        if (isLocal(a.master) && a.executorMemory == null) {
            return Runtime.getRuntime().maxMemory();
        }
        String m = a.executorMemory != null ? a.executorMemory : a.conf.getOrDefault("spark.executor.memory", "1g");
        try {
            return Utils.byteStringAsBytes(m);
        } catch (RuntimeException e) {
            throw new UsageException("--executor-memory: cannot read '" + m + "' as a size (e.g. 2g, 512m)");
        }
    }

    private static Path sweepFile(Args a) throws UsageException {
        Path file = Path.of(a.positional.get(0));
        if (!Files.isRegularFile(file)) {
            throw new UsageException("sweep file " + file + " does not exist or is not a file");
        }
        return file;
    }

    static int plan(Args a, PrintStream out, PrintStream err) throws Exception {
        Path file = sweepFile(a);
        SweepPlan plan = SweepPlanner.plan(file, a.sets, executorMemoryBytes(a));
        int cores = Runtime.getRuntime().availableProcessors();
        double flops = plan.totalFlops();
        double coreSeconds = flops / (ASSUMED_GFLOPS_PER_CORE * 1e9);
        out.printf(Locale.ROOT, "sweep %s (%s): %d tasks%n", plan.name(), file, plan.tasks().size());
        out.printf(Locale.ROOT, "  estimated work: %.3g GFLOP = %s of one core at an assumed %.0f GFLOP/s;"
                + " about %s on %d cores (local[*])%n", flops / 1e9, Progress.clock(coreSeconds),
                ASSUMED_GFLOPS_PER_CORE, Progress.clock(coreSeconds / cores), cores);
        out.printf(Locale.ROOT, "  peak task memory: %s (memory per executor: %s)%n", bytes(plan.peakBytes()),
                bytes(executorMemoryBytes(a)));
        out.println("  nothing was run; start it with: bin/sweep run " + file
                + a.sets.stream().map(s -> " --set " + s).reduce("", String::concat));
        return OK;
    }

    /** A byte count in B, KiB, MiB or GiB. */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Fails fast (exit code 2, nothing written) on a malformed or unreachable spark:// master. */
    static void checkMaster(Args a) throws UsageException {
        try {
            MasterCheck.check(a.master);
        } catch (IllegalArgumentException | MasterCheck.UnreachableException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static SparkSession session(Args a, String appName) throws UsageException {
        checkMaster(a);
        if (a.ui && !"127.0.0.1".equals(System.getenv("SPARK_LOCAL_IP"))) {
            throw new UsageException("--ui needs SPARK_LOCAL_IP=127.0.0.1 in the environment (bin/sweep sets it)"
                    + " so that the UI listens on loopback only");
        }
        Path appJar = a.master.startsWith("spark://") ? SparkSessions.findAppJar() : null;
        if (a.master.startsWith("spark://") && appJar == null) {
            throw new UsageException("--master " + a.master + " needs the application jar sweep-driver-app.jar"
                    + " (built by mvn package; bin/sweep builds it)");
        }
        Map<String, String> extra = new LinkedHashMap<>(a.conf);
        if (a.executorMemory != null) {
            extra.put("spark.executor.memory", a.executorMemory);
        }
        Map<String, String> settings = SparkSessions.settings(a.master, a.ui, appJar, extra);
        settings.put("spark.app.name", appName);
        return SparkSessions.start(settings);
    }

    static int run(Args a, PrintStream out, PrintStream err) throws Exception {
        Path file = sweepFile(a);
        SweepPlan plan = SweepPlanner.plan(file, a.sets, executorMemoryBytes(a));
        checkMaster(a);
        ResultStore store = ResultStore.at(a.outLocation);
        try {
            store.init();
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        // No shutdown hook releases the lock: on Ctrl-C or kill the main thread may still be moving a
        // wave's files while hooks run, so the lock stays until the process is gone and the next run
        // takes it over as stale (its pid is dead), then recovers under it.
        try (SweepJob job = openJob(store, plan.name(), err)) {
            SparkSession spark = session(a, "sweep run " + plan.name());
            TaskFunction fn = FileData.taskFunction(spark, plan, TaskFunction.WORKER);
            SweepRunner.Report report = job.run(spark, plan, fn, a.master, Progress.stderrIsTerminal());
            store.registerViews(spark);
            Reports.printSummary(spark, report, store, out);
            return OK;
        }
    }

    static SweepJob openJob(ResultStore store, String sweep, PrintStream err) throws Exception {
        try {
            return SweepJob.open(store, sweep, err);
        } catch (SweepJob.RefusedException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * The store of an existing output directory, checked: incompatible tables are refused, damaged
     * waves reported (one line each; readers leave them out).
     */
    static ResultStore existingStore(Args a, PrintStream err) throws UsageException {
        ResultStore store = ResultStore.at(a.outLocation);
        try {
            if (!store.exists()) {
                throw new UsageException("no results at " + (store.isLocal() ? store.out() : store.location())
                        + " (not a directory); run a sweep first or pass --out DIR");
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + store.location() + ": " + e.getMessage());
        }
        try {
            for (ResultStore.Damage d : TableCheck.check(store)) {
                err.println("sweep: " + d.line() + "; its tasks are left out of the tables until 'bin/sweep run'"
                        + " of that sweep runs them again");
            }
        } catch (TableCheck.IncompatibleException e) {
            throw new UsageException(e.getMessage());
        }
        return store;
    }

    static int sql(Args a, PrintStream out, PrintStream err) throws Exception {
        ResultStore store = existingStore(a, err);
        SparkSession spark = session(a, "sweep sql");
        String text = a.positional.get(0);
        try {
            SqlGuard.check(spark, text);
        } catch (SqlGuard.RefusedException e) {
            throw new UsageException(e.getMessage());
        }
        store.registerViews(spark);
        if (store.isLocal()) {
            AnalysisTables.registerViews(spark, store.out());
        }
        Dataset<Row> df = spark.sql(text);
        switch (a.format) {
            case "csv" -> TextOutput.csv(df.schema(), df.toLocalIterator(), out);
            case "json" -> TextOutput.json(df.toLocalIterator(), out);
            default -> TextOutput.table(df.schema(), df.limit(TextOutput.TABLE_MAX_ROWS + 1).toLocalIterator(), out);
        }
        out.flush();
        return OK;
    }

    static int status(Args a, PrintStream out, PrintStream err) throws Exception {
        ResultStore store = existingStore(a, err);
        SparkSession spark = session(a, "sweep status");
        store.registerViews(spark);
        Dataset<Row> df = Reports.status(spark);
        TextOutput.table(df.schema(), df.collectAsList().iterator(), out);
        return OK;
    }
}
