package org.sweep.driver.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.Utils;
import org.sweep.driver.data.DataException;
import org.sweep.driver.plan.ConfigException;
import org.sweep.driver.run.SparkSessions;
import org.sweep.driver.store.OutputLock;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.TableCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The command line, parsed with picocli: one class per command ({@link RunCommand}, {@link PlanCommand},
 * {@link SqlCommand}, {@link StatusCommand}, ...), shared options in the mixins {@link CommonOptions}
 * and {@link SetOptions}, usage generated from the options ({@code bin/sweep run --help},
 * {@code bin/sweep help run}), did-you-mean for commands and options, and shell completion
 * ({@code bin/sweep completion}).
 * Exit codes: 0 done; 1 runtime failure; 2 usage, sweep-file or SQL error (reported before Spark
 * starts where possible); 3 the output directory is locked by another run.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Trains two-layer ReLU networks over grids of settings and stores statistics in Parquet"
                + " tables.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'bin/sweep help COMMAND' or 'bin/sweep COMMAND --help' for a command's options.",
                "Exit codes: 0 ok, 1 failure, 2 usage, sweep-file or SQL error, 3 output directory locked."})
public final class Main implements Callable<Integer> {
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

    /** A command-line mistake found while a command runs; exit code 2, printed without a usage hint. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /** The streams a command reads and writes (tests pass their own). */
    record Io(InputStream in, PrintStream out, PrintStream err) {
    }

    /** {@code --version}: the code version bin/sweep passes (git commit, +dirty when modified). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sweep " + System.getProperty("sweep.code.version", "unknown")};
        }
    }

    @Override
    public Integer call() throws Exception {
        throw new UsageException("no command given");
    }

    public static void main(String[] argv) {
        int code = execute(argv, System.in, System.out, System.err);
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        if (inYarnApplicationMaster(System.getProperties())) {
            endInApplicationMaster(code);
            return;
        }
        System.exit(code);
    }

    /**
     * True when this JVM is the ApplicationMaster of a YARN application in cluster deploy mode, which
     * runs {@link #main} as its user class: the ApplicationMaster sets spark.submit.deployMode=cluster
     * and spark.yarn.app.id before it calls main. (Kubernetes and standalone cluster modes start the
     * driver through spark-submit or a wrapper of their own, where the exit code is the result.)
     */
    static boolean inYarnApplicationMaster(java.util.Properties props) {
        return "cluster".equals(props.getProperty("spark.submit.deployMode"))
                && props.getProperty("spark.yarn.app.id") != null;
    }

    /**
     * The end of a run inside YARN's ApplicationMaster. The ApplicationMaster reports the
     * application's final status from how main ends: SUCCEEDED when it returns, FAILED with the
     * exception's message when it throws. System.exit there would end the container before the status
     * is reported, and YARN marks the application FAILED whatever the code ("Shutdown hook called
     * before final status was reported"). So: return on exit code 0, throw on any other.
     */
    static void endInApplicationMaster(int code) {
        if (code != OK) {
            throw new DriverFailedException(code);
        }
    }

    /** A run in YARN's ApplicationMaster that ended with a nonzero exit code; its message names the code. */
    public static final class DriverFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        DriverFailedException(int exitCode) {
            super("sweep ended with exit code " + exitCode + " (" + meaning(exitCode)
                    + "); the driver's messages are in this container's stderr");
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }

        static String meaning(int code) {
            return switch (code) {
                case FAILED -> "failure";
                case USAGE -> "usage, sweep-file or SQL error";
                case LOCKED -> "output directory locked by another run";
                default -> "unexpected exit code";
            };
        }
    }

    /** Runs a command; returns the exit code. Never calls System.exit (tests call this). */
    public static int execute(String[] argv, PrintStream out, PrintStream err) {
        return execute(argv, System.in, out, err);
    }

    /** As {@link #execute(String[], PrintStream, PrintStream)}, with the stdin that {@code sql} reads statements from. */
    public static int execute(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        SparkSessions.quietLibraryLogging();
        CommandLine cl = commandLine(new Io(in, out, err));
        if (argv.length == 0) {
            err.println("sweep: no command given");
            err.println("run 'bin/sweep help' for usage");
            return USAGE;
        }
        try {
            return cl.execute(argv);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
            out.flush();
            err.flush();
        }
    }

    /** The command tree with its handlers; commands write to the given streams. */
    static CommandLine commandLine(Io io) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("run", new RunCommand(io));
        cl.addSubcommand("plan", new PlanCommand(io));
        cl.addSubcommand("sql", new SqlCommand(io));
        cl.addSubcommand("status", new StatusCommand(io));
        cl.addSubcommand("export", new ExportCommand(io));
        cl.addSubcommand("show", new ShowCommand(io));
        cl.addSubcommand("rerun", new RerunCommand(io));
        cl.addSubcommand("analyze", AnalyzeCommand.commandLine(io));
        cl.addSubcommand("search", new SearchCommand(io));
        cl.addSubcommand("bench", new BenchCommand());
        cl.addSubcommand("completion", new CompletionCommand(io));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        for (String passThrough : List.of("bench")) {
            CommandLine sub = cl.getSubcommands().get(passThrough);
            sub.setStopAtPositional(true);
            sub.setUnmatchedOptionsArePositionalParams(true);
        }
        cl.setOverwrittenOptionsAllowed(true);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true));
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, c, parsed) -> failure(e, c, io.err()));
        return cl;
    }

    /** A parse error: one line naming the problem, then where to find the usage; exit code 2. */
    static int usageError(ParameterException e, String[] argv) {
        CommandLine c = e.getCommandLine();
        PrintWriter err = c.getErr();
        err.println("sweep: " + usageMessage(e));
        String name = c.getParent() == null ? "" : " " + c.getCommandName();
        err.println("run 'bin/sweep help" + name + "' for usage");
        err.flush();
        return USAGE;
    }

    static String usageMessage(ParameterException e) {
        CommandLine c = e.getCommandLine();
        boolean top = c.getParent() == null;
        if (e.getCause() instanceof UsageException u) {
            return u.getMessage();
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec o) {
            return o.longestName() + " needs a value";
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            List<String> suggestions = u.getSuggestions();
            String guess = suggestions.isEmpty() ? "" : " (did you mean '" + suggestions.get(0) + "'?)";
            if (top && !arg.startsWith("-")) {
                String command = closest(arg, c.getSubcommands().keySet());
                guess = command == null ? "" : " (did you mean '" + command + "'?)";
                return "unknown command '" + arg + "'" + guess;
            }
            if (arg.startsWith("-")) {
                String opt = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (opt.equals("--set")) {
                    return "--set applies to run, plan and status only";
                }
                return "unknown option '" + arg + "'" + (top ? "" : " for " + c.getCommandName()) + guess;
            }
            return c.getCommandName() + ": unexpected argument" + (u.getUnmatched().size() > 1 ? "s " : " ")
                    + String.join(" ", u.getUnmatched());
        }
        return e.getMessage();
    }

    /**
     * The candidate nearest to a mistyped word by edit distance with transpositions ("rnu" -> "run"),
     * if it is at most 2 edits away and fewer than half the candidate's length; else null.
     */
    static String closest(String word, java.util.Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(word.toLowerCase(Locale.ROOT), c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= 2 && 2 * bestDistance < best.length() ? best : null;
    }

    /** Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** An exception out of a command: exit 2 for bad input, 3 for a held lock, 1 otherwise. */
    static int failure(Exception e, CommandLine c, PrintStream err) {
        if (e instanceof ConfigException || e instanceof UsageException || e instanceof DataException) {
            // DataException: a data file found bad while a run loads it (e.g. a gzipped file that ends early).
            err.println("sweep: " + e.getMessage());
            return USAGE;
        }
        if (e instanceof OutputLock.HeldException) {
            err.println("sweep: " + e.getMessage());
            return LOCKED;
        }
        if (org.sweep.driver.run.Interruption.shuttingDown()) {
            return FAILED; // the interrupt handler said what happened
        }
        err.println("sweep: " + c.getCommandName() + " failed: " + Failures.describe(e));
        if (Boolean.getBoolean("sweep.debug")) {
            e.printStackTrace(err);
        }
        return FAILED;
    }

    /**
     * Spark's own message of a SQL error, on one line: analysis errors without the plan Spark appends,
     * syntax errors without the quoted statement; null when the exception is not a user's SQL error.
     */
    static String sqlError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text;
            if (t instanceof AnalysisException a) {
                text = a.getSimpleMessage();
            } else if (t instanceof SparkThrowable s && s.getCondition() != null
                    && !s.getCondition().startsWith("INTERNAL_ERROR")) {
                text = t.getMessage();
            } else {
                continue;
            }
            String line = text == null ? t.toString() : text.strip().lines().findFirst().orElse("");
            return line.endsWith(";") ? line.substring(0, line.length() - 1) : line;
        }
        return null;
    }

    static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /** Memory one task may use: the driver heap for local masters, spark.executor.memory otherwise. */
    static long executorMemoryBytes(CommonOptions a) throws UsageException {
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

    static Path sweepFile(String name) throws UsageException {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("sweep file " + file + " does not exist or is not a file");
        }
        return file;
    }

    /** Fails fast (exit code 2, nothing written) on a malformed or unreachable master, or a UI on all interfaces. */
    static void checkMaster(CommonOptions a) throws UsageException {
        String uiProblem = SparkSessions.uiProblem(a.ui, a.conf, System.getenv("SPARK_LOCAL_IP"));
        if (uiProblem != null) {
            throw new UsageException(uiProblem);
        }
        try {
            MasterCheck.check(a.master);
        } catch (IllegalArgumentException | MasterCheck.UnreachableException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static SparkSession session(CommonOptions a, String appName) throws UsageException {
        checkMaster(a);
        Path appJar = SparkSessions.needsAppJar(a.master) ? SparkSessions.findAppJar() : null;
        if (appJar == null && SparkSessions.needsAppJar(a.master) && !a.master.startsWith("local-cluster[")) {
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

    /**
     * Settings for commands that only query the tables (sql, status, export, show): a local master
     * gets one shuffle partition per core instead of Spark's 200 (tables of thousands of rows; each
     * partition is a task to schedule). Results do not depend on it; --conf still wins.
     */
    static CommonOptions forQueries(CommonOptions a) {
        if (isLocal(a.master)) {
            a.conf.putIfAbsent("spark.sql.shuffle.partitions",
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
        }
        return a;
    }

    /** Refuses tables written with an incompatible schema before anything reads or appends to them. */
    static void checkTables(ResultStore store) throws UsageException {
        try {
            TableCheck.check(store);
        } catch (TableCheck.IncompatibleException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * The store of an existing result directory, checked before anything reads it: incompatible
     * tables are refused, damaged waves reported in one line each (the views leave them out).
     */
    static ResultStore existingStore(CommonOptions a, PrintStream err) throws UsageException {
        ResultStore store = ResultStore.at(a.out);
        try {
            if (!store.exists()) {
                throw new UsageException("no results at " + (store.isLocal() ? store.out() : store.location())
                        + " (not a directory); run a sweep first or pass --out DIR");
            }
        } catch (java.io.IOException e) {
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
}
