package org.sweep.driver.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.analysis.Analyze;
import org.sweep.driver.analysis.Criterion;
import org.sweep.driver.analysis.ThresholdOptions;
import org.sweep.driver.store.ResultStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sweep analyze threshold|calibrate}: analyses of stored sweeps and of the estimator itself. */
@Command(name = "analyze", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Analyses of a stored sweep.",
                "analyze threshold --sweep NAME: the width threshold m* per grid group and its exponent in n.",
                "analyze calibrate: coverage of the threshold intervals on simulated data."})
final class AnalyzeCommand implements Callable<Integer> {
    AnalyzeCommand() {
    }

    /** The analyze command with its subcommands. */
    static CommandLine commandLine(Main.Io io) {
        CommandLine cl = new CommandLine(new AnalyzeCommand());
        cl.addSubcommand("threshold", new Threshold(io));
        cl.addSubcommand("calibrate", new Calibrate(io));
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        throw new Main.UsageException("analyze needs an analysis: threshold or calibrate ('bin/sweep analyze --help')");
    }

    /** Converts a criterion word, naming the allowed ones on a mistake. */
    static final class CriterionConverter implements CommandLine.ITypeConverter<Criterion> {
        @Override
        public Criterion convert(String value) {
            try {
                return Criterion.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Options of the threshold estimator, shared by {@code analyze threshold} and {@code search}. */
    static final class EstimatorOptions {
        @Option(names = "--criterion", paramLabel = "C", converter = CriterionConverter.class,
                description = {"what a passing run is (default: bound_holds):",
                    "bound_holds  L(k) <= (1 - eta lambda0/2)^k L(0) at every checkpoint (Du et al., Thm 4.1)",
                    "lemma        lambda_min(H(k)) >= lambda0/2 at every spectrum checkpoint (Du et al., Lemma 3.2)",
                    "target       the loss reached target_loss_ratio * L(0) within the step budget",
                    "kernel       max_k | ||u(k)-y|| - ||pred(k)|| | / ||u(0)-y|| <= --tolerance (kernel regime)"})
        Criterion criterion = Criterion.BOUND_HOLDS;

        @Option(names = "--delta", description = "m* is where the fitted pass probability is 1 - delta (default: ${DEFAULT-VALUE})")
        double delta = ThresholdOptions.DEFAULT_DELTA;

        @Option(names = "--tolerance", description = "kernel criterion: largest deviation that passes (default: ${DEFAULT-VALUE})")
        double tolerance = ThresholdOptions.DEFAULT_TOLERANCE;

        @Option(names = "--bootstrap", paramLabel = "B",
                description = "parametric-bootstrap draws of the bias correction of m* (default: ${DEFAULT-VALUE})")
        int bootstrap = ThresholdOptions.DEFAULT_BOOTSTRAP;

        @Option(names = "--seed", description = "seed of the bias-correction draws (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--level", description = "confidence level of the profile-likelihood intervals (default: ${DEFAULT-VALUE})")
        double level = ThresholdOptions.DEFAULT_LEVEL;

        @Option(names = "--replicates", paramLabel = "COLS", split = ",",
                description = "runs columns whose values are replicates rather than grid axes (default: seed)")
        List<String> replicates = new ArrayList<>(List.of("seed"));

        @Option(names = "--independent-runs",
                description = {"treat runs as independent given group and width: intervals without the seed-cluster",
                    "design effect (by default runs sharing a seed form a cluster and intervals are widened by it)"})
        boolean independent;

        ThresholdOptions options(String sweep) throws Main.UsageException {
            try {
                return new ThresholdOptions(sweep, criterion, delta, tolerance, bootstrap, seed, level,
                        replicates.stream().map(String::trim).filter(s -> !s.isEmpty()).toList(), !independent);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
        }
    }

    @Command(name = "threshold", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Width m* where a logistic pass curve in log m, fitted to each group of the other grid axes,",
                "reaches 1 - delta, with a profile-likelihood interval (null ends where it reaches beyond the grid);",
                "the exponent alpha of m* ~ s^alpha fitted jointly for s = n, n/d and n/lambda0, beside 6 (Du et al.)",
                "and 4 (Song & Yang). Writes the tables thresholds and exponents under --out."})
    static final class Threshold implements Callable<Integer> {
        private final Main.Io io;

        @Mixin
        CommonOptions common;

        @Mixin
        EstimatorOptions estimator;

        @Option(names = "--sweep", paramLabel = "NAME", required = true, description = "the sweep to analyse")
        String sweep;

        Threshold(Main.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() throws Exception {
            ThresholdOptions o = estimator.options(sweep);
            Path out = Path.of(common.out);
            if (ResultStore.hasScheme(common.out)) {
                ResultStore store = ResultStore.at(common.out);
                if (!store.isLocal()) {
                    throw new Main.UsageException("--out " + common.out + ": analyze writes its analysis tables to a"
                            + " local directory only");
                }
                out = store.out(); // file:///... as the local folder it names
            }
            try {
                Analyze.requireSweep(out, o.sweep());
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            SparkSession spark = Main.session(common, "sweep analyze threshold " + o.sweep());
            try {
                Analyze.threshold(spark, out, o, io.out());
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            return Main.OK;
        }
    }

    @Command(name = "calibrate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Coverage of the 95% intervals of m* and alpha, and the bias of their point estimates, on",
                "pass/fail data simulated from a known logistic curve with a known exponent; no Spark."})
    static final class Calibrate implements Callable<Integer> {
        private final Main.Io io;

        @Option(names = "--alphas", split = ",", description = "true exponents (default: 0.5,1,2)")
        double[] alphas = {0.5, 1, 2};

        @Option(names = "--seeds", split = ",", description = "seed counts (default: 10,30)")
        int[] seeds = {10, 30};

        @Option(names = "--factors", split = ",", description = "grid factors (default: 2,4)")
        double[] factors = {2, 4};

        @Option(names = "--n", split = ",", description = "values of n (default: 16,32,64,128)")
        int[] ns = {16, 32, 64, 128};

        @Option(names = "--slope", description = "true slope of the logit per unit of log m (default: ${DEFAULT-VALUE})")
        double slope = 3;

        @Option(names = "--replications", description = "simulated studies per row (default: ${DEFAULT-VALUE})")
        int replications = 200;

        @Option(names = "--delta", description = "default: ${DEFAULT-VALUE}")
        double delta = ThresholdOptions.DEFAULT_DELTA;

        @Option(names = "--level", description = "default: ${DEFAULT-VALUE}")
        double level = ThresholdOptions.DEFAULT_LEVEL;

        @Option(names = "--seed", description = "seed of the simulation (default: ${DEFAULT-VALUE})")
        long seed = 1;

        @Option(names = "--seed-sd", split = ",", paramLabel = "SD",
                description = {"sd of each seed's shift of the logit, the same at every width: correlated runs as",
                    "in a real sweep (0: independent runs; default: 0,3)"})
        double[] seedSds = {0, 3};

        @Option(names = "--shared", description = "fraction of the seed shift's variance shared across n (default: ${DEFAULT-VALUE})")
        double shared = 0.5;

        Calibrate(Main.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() throws Exception {
            if (replications < 2 || !(delta > 0 && delta < 1) || !(level > 0 && level < 1) || !(slope > 0)
                    || Arrays.stream(seeds).anyMatch(s -> s < 1) || Arrays.stream(factors).anyMatch(f -> !(f > 1))
                    || ns.length < 2 || Arrays.stream(ns).anyMatch(n -> n < 1)) {
                throw new Main.UsageException("calibrate: need --replications >= 2, --delta and --level in (0, 1), --slope > 0,"
                        + " seeds >= 1, factors > 1, at least two n >= 1");
            }
            for (double sd : seedSds) {
                if (!(sd >= 0 && sd <= 20)) {
                    throw new Main.UsageException("--seed-sd " + sd + ": must be in [0, 20] (logit units)");
                }
            }
            if (!(shared >= 0 && shared <= 1)) {
                throw new Main.UsageException("--shared " + shared + ": must be in [0, 1]");
            }
            int[] sorted = ns.clone();
            Arrays.sort(sorted);
            Analyze.calibrate(alphas, seeds, factors, sorted, slope, delta, level, replications, seed, seedSds, shared,
                    io.out());
            return Main.OK;
        }
    }
}
