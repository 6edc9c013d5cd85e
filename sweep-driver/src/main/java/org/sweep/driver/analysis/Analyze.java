package org.sweep.driver.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.run.SparkSessions;
import org.sweep.driver.store.Tables;

/**
 * {@code sweep analyze ...}: analyses that turn a sweep's tables into findings.
 *
 * <pre>
 * sweep analyze threshold [--out DIR] --sweep NAME [--criterion bound_holds|lemma|target|kernel]
 *                         [--delta 0.1] [--tolerance 0.1] [--bootstrap 1000] [--seed 0] [--level 0.95]
 *                         [--replicates seed[,data_seed]]
 * </pre>
 */
public final class Analyze {
    private Analyze() {
    }

    static final String USAGE = String.join("\n",
            "usage: sweep analyze threshold [--out DIR] --sweep NAME [--criterion bound_holds|lemma|target|kernel]",
            "                               [--delta 0.1] [--tolerance 0.1] [--bootstrap 1000] [--seed 0]",
            "                               [--level 0.95] [--replicates seed[,data_seed]]",
            "  Smallest width m* at which >= 1 - delta of the seeds pass the criterion, per group of the",
            "  other grid axes, with a bootstrap interval over seeds; the exponent alpha of m* ~ n^alpha",
            "  beside the theory's 6 (Du et al.) and 4 (Song & Yang). Writes the tables thresholds and",
            "  exponents under DIR (default results/).",
            "  criteria: bound_holds  Du et al.'s loss bound held at every checkpoint",
            "            lemma        lambda_min(H(k)) >= lambda0 / 2 at every spectrum checkpoint",
            "            target       the loss reached target_loss_ratio * L(0)",
            "            kernel       kernel_dev <= --tolerance");

    /** Entry point for the command line: returns the exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args) {
        return run(args, null, System.out, System.err);
    }

    /**
     * @param spark a session to use, or null to start a local one (stopped at the end)
     */
    public static int run(String[] args, SparkSession spark, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (!args[0].equals("threshold")) {
            err.println("sweep analyze: unknown analysis '" + args[0] + "'\n" + USAGE);
            return 2;
        }
        ThresholdOptions o;
        Path dir;
        try {
            String outDir = "results";
            String sweep = null;
            Criterion criterion = Criterion.BOUND_HOLDS;
            double delta = ThresholdOptions.DEFAULT_DELTA;
            double tolerance = ThresholdOptions.DEFAULT_TOLERANCE;
            int bootstrap = ThresholdOptions.DEFAULT_BOOTSTRAP;
            long seed = 0;
            double level = ThresholdOptions.DEFAULT_LEVEL;
            List<String> replicates = List.of("seed");
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    out.println(USAGE);
                    return 0;
                }
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + a + "'");
                }
                String key = a;
                String value;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    key = a.substring(0, eq);
                    value = a.substring(eq + 1);
                } else {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    value = args[++i];
                }
                switch (key) {
                    case "--out" -> outDir = value;
                    case "--sweep" -> sweep = value;
                    case "--criterion" -> criterion = Criterion.parse(value);
                    case "--delta" -> delta = number(key, value);
                    case "--tolerance" -> tolerance = number(key, value);
                    case "--bootstrap" -> bootstrap = bootstrap(key, value);
                    case "--seed" -> seed = integer(key, value);
                    case "--level" -> level = number(key, value);
                    case "--replicates" -> replicates = Arrays.stream(value.split(",")).map(String::trim)
                            .filter(s -> !s.isEmpty()).toList();
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            }
            o = new ThresholdOptions(sweep, criterion, delta, tolerance, bootstrap, seed, level, replicates);
            dir = Path.of(outDir);
            Path runsDir = dir.resolve("runs").resolve("sweep=" + o.sweep());
            if (!Files.isDirectory(runsDir)) {
                throw new IllegalArgumentException("no runs of sweep '" + o.sweep() + "' under " + dir.resolve("runs")
                        + " (sweeps there: " + sweepsIn(dir.resolve("runs")) + ")");
            }
        } catch (IllegalArgumentException e) {
            err.println("sweep analyze threshold: " + e.getMessage());
            return 2;
        }
        boolean own = spark == null;
        SparkSession s = own ? SparkSessions.start(SparkSessions.settings("local[*]", false, null, Map.of())) : spark;
        try {
            ThresholdAnalysis.Result r = ThresholdAnalysis.analyze(runs(s, dir, o.sweep()), o);
            AnalysisTables.write(s, dir, r);
            ThresholdReport.print(r, out);
            out.println();
            out.println("tables: " + AnalysisTables.partition(dir, AnalysisTables.THRESHOLDS, o.sweep(), o.criterion().key())
                    + ", " + AnalysisTables.partition(dir, AnalysisTables.EXPONENTS, o.sweep(), o.criterion().key()));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("sweep analyze threshold: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("sweep analyze threshold: failed: " + e);
            return 1;
        } finally {
            if (own) {
                s.stop();
            }
        }
    }

    /** The committed runs of one sweep (files of waves still in flight are never read). */
    static Dataset<Row> runs(SparkSession spark, Path out, String sweep) {
        return new ResultStore(out).view(spark, Tables.RUNS).where(org.apache.spark.sql.functions.col("sweep")
                .equalTo(org.apache.spark.sql.functions.lit(sweep)));
    }

    private static String sweepsIn(Path runs) {
        if (!Files.isDirectory(runs)) {
            return "none";
        }
        try (Stream<Path> s = Files.list(runs)) {
            List<String> names = new ArrayList<>(s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("sweep=")).map(n -> n.substring(6)).sorted().toList());
            return names.isEmpty() ? "none" : String.join(", ", names);
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static double number(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " " + v + ": not a number");
        }
    }

    /**
     * Most bootstrap resamples: far more than a percentile interval needs (its Monte Carlo error
     * shrinks like 1/sqrt(B); 1000 is the default), few enough that the resample table fits memory.
     */
    public static final int MAX_BOOTSTRAP = 100_000;

    private static int bootstrap(String key, String v) {
        long b = integer(key, v);
        if (b > MAX_BOOTSTRAP) {
            throw new IllegalArgumentException(key + " " + v + ": at most " + MAX_BOOTSTRAP + " resamples");
        }
        return (int) Math.max(b, -1);
    }

    private static long integer(String key, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " " + v + ": not an integer");
        }
    }
}
