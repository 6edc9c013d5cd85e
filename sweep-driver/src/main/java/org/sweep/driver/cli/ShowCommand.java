package org.sweep.driver.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sweep show TASK_ID}: one stored task's config, summary and provenance. */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Print one stored task: its config (config_json), summary statistics and provenance.")
final class ShowCommand implements Callable<Integer> {
    /** The provenance columns of runs, printed last. */
    static final Set<String> PROVENANCE = Set.of("executor", "attempt", "code_version", "java_version", "os_arch",
            "blas", "lapack", "created_at", "h_inf_method");

    private final Main.Io io;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "TASK_ID", description = "a task_id, or a unique prefix of one (at least 4 characters)")
    String taskId;

    ShowCommand(Main.Io io) {
        this.io = io;
    }

    /** The one stored runs row whose task_id is or starts with the given text; a usage error otherwise. */
    static Row find(SparkSession spark, ResultStore store, String id) throws Main.UsageException {
        if (!id.matches("[0-9a-f]{4,16}")) {
            throw new Main.UsageException("'" + id + "' is not a task_id (16 hex digits, or a prefix of at least 4)");
        }
        new Views(spark, store).registerFor("runs");
        List<Row> rows = spark.sql("SELECT * FROM runs WHERE startswith(task_id, '" + id + "') ORDER BY task_id")
                .limit(3).collectAsList();
        if (rows.isEmpty()) {
            throw new Main.UsageException("no stored task " + id + " in " + store.location());
        }
        if (rows.size() > 1 && !rows.get(0).<String>getAs("task_id").equals(id)) {
            throw new Main.UsageException("'" + id + "' is the start of several task_ids ("
                    + rows.stream().map(r -> r.<String>getAs("task_id")).toList() + (rows.size() > 2 ? ", ..." : "")
                    + "); give more of it");
        }
        return rows.get(0);
    }

    @Override
    public Integer call() throws Exception {
        ResultStore store = Main.existingStore(common, io.err());
        SparkSession spark = Main.session(Main.forQueries(common), "sweep show");
        Row r = find(spark, store, taskId);
        PrintStream out = io.out();
        String[] names = r.schema().fieldNames();
        out.println("task " + r.getAs("task_id") + " of sweep " + r.getAs("sweep") + ": " + r.getAs("status")
                + (r.getAs("message") == null ? "" : " (" + r.getAs("message") + ")"));
        out.println("config:");
        out.println("  " + r.getAs("config_json"));
        out.println("summary:");
        boolean inSummary = false;
        for (String name : names) {
            if (name.equals("lambda0")) {
                inSummary = true;
            }
            if (inSummary && !PROVENANCE.contains(name) && !name.equals("config_json") && !name.equals("status")
                    && !name.equals("message")) {
                out.println("  " + name + ": " + Values.csv(r.getAs(name)));
            }
        }
        out.println("provenance:");
        for (String name : names) {
            if (PROVENANCE.contains(name)) {
                out.println("  " + name + ": " + Values.csv(r.getAs(name)));
            }
        }
        return Main.OK;
    }
}
