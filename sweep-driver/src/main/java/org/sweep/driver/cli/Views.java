package org.sweep.driver.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        String print = stored ? fingerprint(store, view) : store.isLocal() ? fingerprint(store.out().resolve(view)) : "";
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

    /** The files of a stored table on the store's file system (local or Hadoop), as {@link #fingerprint(Path)}. */
    static String fingerprint(ResultStore store, String table) {
        try {
            return store.fingerprint(table);
        } catch (IOException e) {
            // Changed while listed: a run is writing; register again next time.
            return "unreadable " + System.nanoTime();
        }
    }

    /** The names, sizes and modification times of every file under a local table's folder. */
    static String fingerprint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (Files.isRegularFile(p)) {
                    b.append(p).append(' ').append(Files.size(p)).append(' ')
                            .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
                }
            }
        } catch (IOException e) {
            // Changed while listed: a run or an analysis is writing; register again next time.
            return "unreadable " + System.nanoTime();
        }
        return b.toString();
    }
}
