package org.sweep.driver.cli;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.analysis.AnalysisTables;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;

/**
 * The SQL views of a result directory, registered when a statement first names them and again
 * only when their files changed. Registering a view lists its files and plans a read; for the
 * analysis tables it also merges the Parquet schemas of every file (a Spark job), so a statement
 * over {@code runs} alone should not pay for the other five.
 */
final class Views {
    private final SparkSession spark;
    private final ResultStore store;
    /** A view's name to the fingerprint of the files it was registered over. */
    private final Map<String, String> registered = new HashMap<>();

    Views(SparkSession spark, ResultStore store) {
        this.spark = spark;
        this.store = store;
    }

    /** Every view name, the stored tables first. */
    static List<String> all() {
        return Stream.concat(Tables.ALL.stream(), AnalysisTables.ALL.stream()).toList();
    }

    /**
     * Registers the views the statement names (all of them for SHOW ..., which lists them), each
     * over the files stored now. A name that appears only inside a string literal or a comment costs
     * a needless registration, never a wrong answer.
     */
    void registerFor(String statement) {
        boolean all = statement.strip().toUpperCase(Locale.ROOT).startsWith("SHOW");
        for (String view : all()) {
            if (all || mentions(statement, view)) {
                register(view);
            }
        }
    }

    static boolean mentions(String statement, String view) {
        return Pattern.compile("(?i)(?<![A-Za-z0-9_])" + Pattern.quote(view) + "(?![A-Za-z0-9_])")
                .matcher(statement).find();
    }

    private void register(String view) {
        boolean stored = Tables.ALL.contains(view);
        String print = stored || store.isLocal() ? fingerprint(store, view) : "";
        if (print.equals(registered.get(view))) {
            return;
        }
        if (stored) {
            store.view(spark, view).createOrReplaceTempView(view);
        } else if (!store.isLocal()) {
            // The analysis tables are written to local output directories only: none to show here.
            spark.catalog().dropTempView(view);
        } else {
            Dataset<Row> df = AnalysisTables.read(spark, store.out(), view);
            if (df == null) {
                spark.catalog().dropTempView(view);
            } else {
                df.createOrReplaceTempView(view);
            }
        }
        registered.put(view, print);
    }

    /**
     * The names, sizes and modification times of every file under a view's folder on the store's file
     * system (local or Hadoop): equal strings mean its files did not change in between.
     */
    static String fingerprint(ResultStore store, String table) {
        try {
            return store.fingerprint(table);
        } catch (IOException e) {
            // Changed while listed: a run or an analysis is writing; register again next time.
            return "unreadable " + System.nanoTime();
        }
    }
}
