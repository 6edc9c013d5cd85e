package org.sweep.driver.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sweep sql "SELECT ..."}: read-only Spark SQL over the stored tables. */
@Command(name = "sql", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Read-only Spark SQL over the stored tables.",
                "Views: runs, trajectories, spectra, sweeps (and thresholds, exponents once an analysis wrote them)."})
final class SqlCommand implements Callable<Integer> {
    private final Main.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    String format = "table";

    @Option(names = "--format", paramLabel = "table|csv|json", description = "output format (default: table)")
    void format(String f) throws Main.UsageException {
        if (!List.of("table", "csv", "json").contains(f)) {
            throw new Main.UsageException("--format must be table, csv or json, got '" + f + "'");
        }
        format = f;
    }

    @Parameters(paramLabel = "STATEMENT", arity = "0..*",
            description = {"one SQL statement, quoted; without one, statements are read from stdin",
                    "(one per ';'), each answered and followed by a line '-- ok' or '-- error: MESSAGE'"})
    List<String> statements = new ArrayList<>();

    SqlCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        Timing.mark(io.err(), "command parsed");
        if (statements.size() > 1) {
            throw new ParameterException(spec.commandLine(), "sql expects exactly one quoted statement, got "
                    + statements.size() + " arguments (or none, to read statements from stdin)");
        }
        ResultStore store = Main.existingStore(common, io.err());
        try {
            SqlGuard.checkConf(common.conf);
        } catch (SqlGuard.RefusedException e) {
            throw new Main.UsageException(e.getMessage());
        }
        if (statements.size() == 1) {
            SparkSession spark = SqlGuard.readOnlySession(Main.session(Main.forQueries(common), "sweep sql"));
            Timing.mark(io.err(), "Spark session started");
            String text = statements.get(0);
            answer(spark, store, text, false);
            return Main.OK;
        }
        return fromStdin(store);
    }

    /**
     * Persistent mode: statements from stdin, one per {@code ;}, each answered in the chosen format
     * with one Spark session and followed by a line {@code -- ok} or {@code -- error: MESSAGE} (the
     * error also on stderr), so that a client can send a statement and read its answer. Exit code 0
     * when every statement succeeded, 2 otherwise.
     */
    private int fromStdin(ResultStore store) throws Exception {
        Statements input = new Statements(new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8)));
        SparkSession spark = null;
        boolean failed = false;
        String text;
        while ((text = input.next()) != null) {
            if (spark == null) {
                spark = SqlGuard.readOnlySession(Main.session(Main.forQueries(common), "sweep sql"));
            }
            try {
                answer(spark, store, text, true);
                io.out().println(END_OK);
            } catch (Main.UsageException e) {
                failed = true;
                String message = e.getMessage().replace('\n', ' ');
                io.err().println("sweep: " + message);
                io.out().println(END_ERROR + message);
            }
            io.out().flush();
        }
        return failed ? Main.USAGE : Main.OK;
    }

    /** The line after each answer in persistent mode. */
    static final String END_OK = "-- ok";
    /** The start of the line after a failed statement in persistent mode; the message follows. */
    static final String END_ERROR = "-- error: ";

    private Views views;

    /**
     * Checks one statement with the guard (in the read-only session, where the views must be
     * registered first: the guard analyses the statement), runs it and prints its answer; SQL
     * errors as usage errors.
     */
    private void answer(SparkSession spark, ResultStore store, String text, boolean keepGoing) throws Exception {
        // Views first: the guard analyses the statement, which resolves the names it reads.
        if (views == null) {
            views = new Views(spark, store);
        }
        views.registerFor(text);
        Timing.mark(io.err(), "views registered");
        try {
            SqlGuard.check(spark, text);
        } catch (SqlGuard.RefusedException e) {
            throw new Main.UsageException(e.getMessage());
        }
        try {
            print(spark.sql(text), format, io.out());
            Timing.mark(io.err(), "statement answered");
        } catch (Exception e) {
            String message = Main.sqlError(e);
            if (message != null) {
                throw new Main.UsageException(message);
            }
            if (keepGoing) {
                throw new Main.UsageException(e.toString());
            }
            throw e;
        }
    }

    static void print(Dataset<Row> df, String format, PrintStream out) {
        switch (format) {
            case "csv" -> TextOutput.csv(df.schema(), df.toLocalIterator(), out);
            case "json" -> TextOutput.json(df.toLocalIterator(), out);
            default -> TextOutput.table(df.schema(), df.limit(TextOutput.TABLE_MAX_ROWS + 1).toLocalIterator(), out);
        }
        out.flush();
    }
}
