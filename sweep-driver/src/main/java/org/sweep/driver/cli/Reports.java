package org.sweep.driver.cli;

import org.sweep.driver.store.ResultStore;
import org.sweep.driver.run.SweepRunner;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** The end-of-run summary and the {@code status} report, computed with Spark SQL over the stored tables. */
public final class Reports {
    private Reports() {
    }

    /**
     * A sweep name as a SQL string literal for the example commands printed to the user. Sweep names
     * are letters, digits, '_', '.' and '-' (the planner refuses others), so quoting needs no escapes;
     * the queries run here pass the name as a parameter instead.
     */
    static String shownLiteral(String sweep) {
        return "'" + sweep + "'";
    }

    /** The named parameter {@code :sweep} of the queries below. */
    private static Map<String, Object> sweepParam(String sweep) {
        return Map.of("sweep", sweep);
    }

    /** The view of a plan's (sweep, task_id) pairs that the summary and {@code status FILE} join with. */
    static final String PLAN_VIEW = "sweep_plan_tasks";

    /** Registers the plan's task ids as the view {@link #PLAN_VIEW}. */
    static void registerPlan(SparkSession spark, org.sweep.driver.plan.SweepPlan plan) {
        List<Row> rows = plan.tasks().stream().map(t -> org.apache.spark.sql.RowFactory.create(plan.name(), t.taskId()))
                .toList();
        StructType schema = new StructType()
                .add("sweep", org.apache.spark.sql.types.DataTypes.StringType, false)
                .add("task_id", org.apache.spark.sql.types.DataTypes.StringType, false);
        spark.createDataFrame(rows, schema).createOrReplaceTempView(PLAN_VIEW);
    }

    /** The runs of one sweep that belong to the registered plan; the query takes the parameter {@code :sweep}. */
    static String inPlan(String sweep) {
        return " FROM runs WHERE sweep = :sweep AND task_id IN (SELECT task_id FROM " + PLAN_VIEW
                + " WHERE sweep = :sweep)";
    }

    /** Per width: tasks, median rate_empirical, fraction bound_holds, median max_dist_final of one sweep. */
    public static Dataset<Row> perWidth(SparkSession spark, String sweep) {
        return spark.sql("SELECT width, count(*) AS tasks, round(median(rate_empirical), 6) AS median_rate_empirical,"
                + " round(avg(CASE WHEN bound_holds THEN 1.0 WHEN NOT bound_holds THEN 0.0 END), 3) AS fraction_bound_holds,"
                + " round(median(max_dist_final), 6) AS median_max_dist"
                + " FROM runs WHERE sweep = :sweep GROUP BY width ORDER BY width", sweepParam(sweep));
    }

    /** ok / diverged / failed counts of one sweep, in that order. */
    public static long[] statusCounts(SparkSession spark, String sweep) {
        Row r = spark.sql("SELECT count_if(status = 'ok'), count_if(status = 'diverged'), count_if(status = 'failed')"
                + " FROM runs WHERE sweep = :sweep", sweepParam(sweep)).first();
        return new long[] {r.getLong(0), r.getLong(1), r.getLong(2)};
    }

    /**
     * lambda0 at or below this fraction of lambda_max(H_inf) is zero up to rounding: H_inf computed in
     * doubles has eigenvalue errors of order n * 1e-16 * lambda_max, far below 1e-12 for any n here.
     */
    static final double DEGENERATE_LAMBDA0 = 1e-12;

    /**
     * Prints the summary after a run, over exactly this plan's tasks (a sweep name may also hold rows
     * of other configurations, e.g. runs with other --set values: they are counted, not mixed in).
     */
    public static void printSummary(SparkSession spark, SweepRunner.Report report, ResultStore store,
                                    org.sweep.driver.plan.SweepPlan plan, PrintStream out) {
        String sweep = report.sweep();
        // When the sweep held no task outside the plan before the run, its rows are exactly the plan's
        // tasks: the queries read runs alone, without joining the plan's task ids (a local relation of
        // one row per task, which at 10^6 tasks made the summary take minutes and the driver's heap).
        boolean onlyPlan = report.storedOutsidePlan() == 0;
        String from = onlyPlan ? " FROM runs WHERE sweep = :sweep" : inPlan(sweep);
        if (!onlyPlan) {
            registerPlan(spark, plan);
        }
        out.printf("sweep %s: %d tasks planned, %d already stored, %d run in %d wave(s), %.1f s%n", sweep,
                report.planned(), report.alreadyStored(), report.ran(), report.waves(), report.seconds());
        // One pass over runs: the per-width table and, summed over widths, the status and degenerate counts.
        Dataset<Row> table = spark.sql("SELECT width, count(*) AS tasks, round(median(rate_empirical), 6) AS"
                + " median_rate_empirical, round(avg(CASE WHEN bound_holds THEN 1.0 WHEN NOT bound_holds THEN 0.0 END),"
                + " 3) AS fraction_bound_holds, round(median(max_dist_final), 6) AS median_max_dist,"
                + " count_if(status = 'ok') AS ok, count_if(status = 'diverged') AS diverged,"
                + " count_if(status = 'failed') AS failed, count_if(lambda0 <= :ratio * lambda_max_inf) AS degenerate"
                + from + " GROUP BY width ORDER BY width", Map.of("sweep", sweep, "ratio", DEGENERATE_LAMBDA0));
        List<Row> all = table.collectAsList();
        int shown = 5;
        StructType shownSchema = new StructType(Arrays.copyOf(table.schema().fields(), shown));
        List<Row> rows = new ArrayList<>(all.size());
        long[] c = new long[3];
        long degenerate = 0;
        for (Row r : all) {
            Object[] v = new Object[shown];
            for (int i = 0; i < shown; i++) {
                v[i] = r.get(i);
            }
            rows.add(RowFactory.create(v));
            c[0] += r.getLong(shown);
            c[1] += r.getLong(shown + 1);
            c[2] += r.getLong(shown + 2);
            degenerate += r.getLong(shown + 3);
        }
        TextOutput.table(shownSchema, rows.iterator(), out);
        out.printf("stored for %s: %d ok, %d diverged, %d failed%n", sweep, c[0], c[1], c[2]);
        long others = onlyPlan ? 0 : spark.sql("SELECT count(*) FROM runs WHERE sweep = :sweep"
                + " AND task_id NOT IN (SELECT task_id FROM " + PLAN_VIEW + ")", sweepParam(sweep)).first().getLong(0);
        if (others > 0) {
            out.printf("(sweep %s also holds %d stored task(s) of other configurations, not in this summary;"
                    + " see: bin/sweep status FILE --out %s)%n", sweep, others, store.location());
        }
        if (c[1] + c[2] > 0) {
            out.printf("WARNING: %d task(s) diverged and %d failed; see: bin/sweep sql --out %s \"SELECT task_id,"
                    + " width, n, eta, status, message FROM runs WHERE sweep = %s AND status <> 'ok'\"%n",
                    c[1], c[2], store.location(), shownLiteral(sweep));
        }
        if (degenerate > 0) {
            out.printf("WARNING: %d task(s) have lambda0 = lambda_min(H_inf) <= %.0e lambda_max(H_inf): duplicate or"
                    + " parallel inputs make H_inf singular, and the convergence guarantees of Du et al. do not"
                    + " apply to them%n", degenerate, DEGENERATE_LAMBDA0);
        }
        out.println("results: " + store.location());
        out.printf("example: bin/sweep sql --out %s \"SELECT width, n, median(rate_empirical), avg(loss_final)"
                + " FROM runs WHERE sweep = %s GROUP BY width, n ORDER BY width, n\"%n", store.location(), shownLiteral(sweep));
    }

    /**
     * Per sweep: tasks stored, planned by its last run (sweeps table), ok, diverged, failed; with a
     * registered plan ({@link #registerPlan}) also, for the plan's sweep, the tasks the file plans now,
     * how many of them are stored, and how many stored tasks the file no longer plans.
     */
    public static Dataset<Row> status(SparkSession spark, boolean withPlan) {
        String plan = withPlan ? ", p AS (SELECT sweep, count(*) AS in_file FROM " + PLAN_VIEW + " GROUP BY sweep),"
                + " rp AS (SELECT r.sweep, count_if(p.task_id IS NOT NULL) AS stored_in_file,"
                + " count_if(p.task_id IS NULL) AS not_in_file FROM runs r LEFT JOIN " + PLAN_VIEW + " p"
                + " ON r.sweep = p.sweep AND r.task_id = p.task_id WHERE r.sweep IN (SELECT sweep FROM p)"
                + " GROUP BY r.sweep)" : "";
        String planCols = withPlan ? " p.in_file AS file_planned, CASE WHEN p.in_file IS NOT NULL THEN"
                + " coalesce(rp.stored_in_file, 0) END AS file_stored, CASE WHEN p.in_file IS NOT NULL THEN"
                + " coalesce(rp.not_in_file, 0) END AS not_in_file," : "";
        String planJoin = withPlan ? " FULL OUTER JOIN p ON coalesce(r.sweep, s.sweep) = p.sweep"
                + " LEFT JOIN rp ON p.sweep = rp.sweep" : "";
        return spark.sql("WITH r AS (SELECT sweep, count(*) AS done, count_if(status = 'ok') AS ok,"
                + " count_if(status = 'diverged') AS diverged, count_if(status = 'failed') AS failed"
                + " FROM runs GROUP BY sweep),"
                + " s AS (SELECT sweep, max_by(tasks, started_at) AS total, max(started_at) AS last_run,"
                + " max_by(finished_at, started_at) AS last_finished FROM sweeps GROUP BY sweep)" + plan
                + " SELECT coalesce(r.sweep, s.sweep" + (withPlan ? ", p.sweep" : "") + ") AS sweep,"
                + " coalesce(r.done, 0) AS stored, s.total AS last_planned," + planCols
                + " coalesce(r.ok, 0) AS ok, coalesce(r.diverged, 0) AS diverged, coalesce(r.failed, 0) AS failed,"
                + " s.last_run, s.last_finished"
                + " FROM r FULL OUTER JOIN s ON r.sweep = s.sweep" + planJoin + " ORDER BY sweep");
    }
}
