package org.sweep.driver.cli;

import org.sweep.driver.store.ResultStore;
import org.sweep.driver.run.SweepRunner;

import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The end-of-run summary and the {@code status} report, computed with Spark SQL over the stored tables. */
public final class Reports {
    private Reports() {
    }

    static String sqlString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Per width: tasks, median rate_empirical, fraction bound_holds, median max_dist_final of one sweep. */
    public static Dataset<Row> perWidth(SparkSession spark, String sweep) {
        return spark.sql("SELECT width, count(*) AS tasks, round(median(rate_empirical), 6) AS median_rate_empirical,"
                + " round(avg(CASE WHEN bound_holds THEN 1.0 WHEN NOT bound_holds THEN 0.0 END), 3) AS fraction_bound_holds,"
                + " round(median(max_dist_final), 6) AS median_max_dist"
                + " FROM runs WHERE sweep = " + sqlString(sweep) + " GROUP BY width ORDER BY width");
    }

    /** ok / diverged / failed counts of one sweep, in that order. */
    public static long[] statusCounts(SparkSession spark, String sweep) {
        Row r = spark.sql("SELECT count_if(status = 'ok'), count_if(status = 'diverged'), count_if(status = 'failed')"
                + " FROM runs WHERE sweep = " + sqlString(sweep)).first();
        return new long[] {r.getLong(0), r.getLong(1), r.getLong(2)};
    }

    /** Prints the summary after a run; the views must be registered. */
    /**
     * lambda0 at or below this fraction of lambda_max(H_inf) is zero up to rounding: H_inf computed in
     * doubles has eigenvalue errors of order n * 1e-16 * lambda_max, far below 1e-12 for any n here.
     */
    static final double DEGENERATE_LAMBDA0 = 1e-12;

    public static void printSummary(SparkSession spark, SweepRunner.Report report, ResultStore store, PrintStream out) {
        String sweep = report.sweep();
        out.printf("sweep %s: %d tasks planned, %d already stored, %d run in %d wave(s), %.1f s%n", sweep,
                report.planned(), report.alreadyStored(), report.ran(), report.waves(), report.seconds());
        Dataset<Row> table = perWidth(spark, sweep);
        List<Row> rows = table.collectAsList();
        TextOutput.table(table.schema(), rows.iterator(), out);
        long[] c = statusCounts(spark, sweep);
        out.printf("stored for %s: %d ok, %d diverged, %d failed%n", sweep, c[0], c[1], c[2]);
        if (c[1] + c[2] > 0) {
            out.printf("WARNING: %d task(s) diverged and %d failed; see: bin/sweep sql --out %s \"SELECT task_id,"
                    + " width, n, eta, status, message FROM runs WHERE sweep = %s AND status <> 'ok'\"%n",
                    c[1], c[2], store.location(), sqlString(sweep));
        }
        long degenerate = spark.sql("SELECT count(*) FROM runs WHERE sweep = " + sqlString(sweep)
                + " AND lambda0 <= " + DEGENERATE_LAMBDA0 + " * lambda_max_inf").first().getLong(0);
        if (degenerate > 0) {
            out.printf("WARNING: %d task(s) have lambda0 = lambda_min(H_inf) <= %.0e lambda_max(H_inf): duplicate or"
                    + " parallel inputs make H_inf singular, and the convergence guarantees of Du et al. do not"
                    + " apply to them%n", degenerate, DEGENERATE_LAMBDA0);
        }
        out.println("results: " + store.location());
        out.printf("example: bin/sweep sql --out %s \"SELECT width, n, median(rate_empirical), avg(loss_final)"
                + " FROM runs WHERE sweep = %s GROUP BY width, n ORDER BY width, n\"%n", store.location(), sqlString(sweep));
    }

    /** Per sweep: stored tasks, planned total (last sweeps record), ok, diverged, failed. */
    public static Dataset<Row> status(SparkSession spark) {
        return spark.sql("WITH r AS (SELECT sweep, count(*) AS done, count_if(status = 'ok') AS ok,"
                + " count_if(status = 'diverged') AS diverged, count_if(status = 'failed') AS failed"
                + " FROM runs GROUP BY sweep),"
                + " s AS (SELECT sweep, max_by(tasks, started_at) AS total, max(started_at) AS last_run,"
                + " max_by(finished_at, started_at) AS last_finished FROM sweeps GROUP BY sweep)"
                + " SELECT coalesce(r.sweep, s.sweep) AS sweep, coalesce(r.done, 0) AS done, s.total,"
                + " coalesce(r.ok, 0) AS ok, coalesce(r.diverged, 0) AS diverged, coalesce(r.failed, 0) AS failed,"
                + " s.last_run, s.last_finished"
                + " FROM r FULL OUTER JOIN s ON r.sweep = s.sweep ORDER BY sweep");
    }
}
