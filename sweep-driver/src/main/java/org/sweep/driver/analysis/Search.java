package org.sweep.driver.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.plan.ConfigException;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.driver.run.SweepRunner;
import org.sweep.worker.Keyed;
import org.sweep.worker.TaskSpec;

/**
 * {@code sweep search FILE}: adaptive refinement of the width grid around each group's threshold.
 *
 * <p>Round 0 runs the sweep file's own grid. Each round then fits {@link LevelSet#threshold} per
 * group (the tasks that differ only in width and seed) and, for every group whose interval is
 * censored or wider than a factor {@value #TARGET_RATIO}, asks for (1) the geometric midpoint of
 * every pair of neighbouring tested widths that overlaps the interval, (2) one width beyond the
 * grid (a factor 2) on a censored side, and (3) twice the seeds run so far at the widths inside
 * the interval (up to {@value #MAX_SEED_FACTOR} times the file's seed count), where a pass or a
 * fail says most about m*. It stops
 * when every group's interval is within a factor 2 (hi / lo &lt;= 2) or after {@code rounds} rounds.
 *
 * <p>Every added run is an ordinary task of the same sweep: the requests are turned into the sweep
 * file with {@code --set grid.width=[...]} and {@code --set grid.seed=[...]} overrides, planned by
 * {@link SweepPlanner} (so task ids are the usual content hashes of the task specs) and filtered to
 * the requested (group, width, seed) triples, then run by the same runner as {@code sweep run}:
 * tasks already stored are never run again, and a search killed at any point resumes where it
 * stopped when started again (its decisions are a deterministic function of the stored runs).
 * At the end the analysis of {@code analyze threshold} is run on the search's tasks and writes the
 * same {@code thresholds} and {@code exponents} tables.
 */
public final class Search {
    private Search() {
    }

    /** Stop refining a group when its interval is within this factor. */
    public static final double TARGET_RATIO = 2;
    public static final int DEFAULT_ROUNDS = 4;
    /**
     * Most seeds per width the search asks for, as a multiple of the file's seed count. Seeds, not
     * widths, are what narrows an interval once the runs of one seed move together: a seed run at
     * more widths adds little (the design effect of the intervals grows with the widths per seed),
     * so the seeds at the widths inside an open interval double each round up to this factor.
     */
    static final int MAX_SEED_FACTOR = 4;

    /** Runs one plan through the ordinary runner (the command passes the same path as {@code run}). */
    public interface PlanRunner {
        SweepRunner.Report run(SweepPlan plan) throws IOException;
    }

    /**
     * Settings of a search.
     *
     * @param file      the sweep file
     * @param sets      {@code --set} overrides applied to the file first
     * @param analysis  criterion, delta, level, tolerance, bias draws, seed (its sweep is the file's name)
     * @param rounds    most refinement rounds after the file's grid
     * @param memory    memory one task may use (as for {@code run})
     */
    public record Options(Path file, List<String> sets, ThresholdOptions analysis, int rounds, long memory) {
        public Options {
            if (rounds < 0) {
                throw new IllegalArgumentException("--rounds " + rounds + ": must be >= 0");
            }
            sets = List.copyOf(sets);
        }
    }

    /** One group's requests for the next round. */
    record Request(TreeSet<Integer> widths, Map<Integer, Integer> seedsAt) {
    }

    /** What a search did. */
    public record Outcome(ThresholdAnalysis.Result result, int rounds, int tasks, double taskSeconds, int fixedTasks,
                          double fixedTaskSeconds, List<String> log) {
    }

    /** The names of {@link #groupKey}'s fields, in its order (the sweep file's keys). */
    static final List<String> GROUP_FIELDS = List.of("n", "d", "data.kind", "dataset", "data.seed", "data.labels",
            "kappa", "eta", "eta_mode", "steps", "target_loss_ratio", "checkpoints", "spectrum_checkpoints", "loss",
            "activation", "batch_size", "train_layers");

    /** The key of a task's group: every spec field except width and seed. */
    static List<Object> groupKey(TaskSpec s) {
        return Arrays.asList(s.n(), s.d(), s.dataKind(), s.dataset(), s.dataSeed(), s.labels(), s.kappa(), s.eta(),
                s.etaMode(), s.steps(), s.targetLossRatio(), s.checkpoints(), s.spectrumCheckpoints(), s.loss(),
                s.activation(), s.batchSize(), s.trainLayers());
    }

    /** Positions of the group-key fields whose values differ between groups (n always shown). */
    static List<Integer> varyingFields(Collection<List<Object>> keys) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < GROUP_FIELDS.size(); i++) {
            final int f = i;
            if (f == 0 || keys.stream().map(k -> k.get(f)).distinct().count() > 1) {
                out.add(f);
            }
        }
        return out;
    }

    /** A group as its varying fields, e.g. {@code n=64 d=16}. */
    static String label(List<Object> key, List<Integer> fields) {
        StringBuilder b = new StringBuilder();
        for (int f : fields) {
            Object v = key.get(f);
            b.append(b.length() == 0 ? "" : " ").append(GROUP_FIELDS.get(f)).append('=')
                    .append(v instanceof Keyed k ? k.key() : String.valueOf(v));
        }
        return b.toString();
    }

    /**
     * The widths and seed counts to add to one group, or null when it is done.
     *
     * @param tested  seeds run per width so far
     * @param t       its current threshold
     * @param seeds   the file's seed count per width
     */
    static Request refine(TreeMap<Integer, Integer> tested, LevelSet.Threshold t, int seeds) {
        if (t.censored() == null && t.hi() / t.lo() <= TARGET_RATIO) {
            return null;
        }
        int wMin = tested.firstKey();
        int wMax = tested.lastKey();
        double lo = t.lo() != null ? t.lo() : wMin;
        double hi = t.hi() != null ? t.hi() : wMax;
        if (LevelSet.NO_INCREASE.equals(t.censored())) {
            lo = wMin;
            hi = wMax;
        }
        TreeSet<Integer> add = new TreeSet<>();
        Integer prev = null;
        for (int w : tested.keySet()) {
            if (prev != null && w >= lo && prev <= hi) {
                int mid = (int) Math.round(Math.sqrt((double) prev * w));
                if (mid > prev && mid < w) {
                    add.add(mid);
                }
            }
            prev = w;
        }
        if (t.hi() == null && !LevelSet.NO_INCREASE.equals(t.censored())) {
            add.add(2 * wMax);
        }
        if (t.lo() == null && !LevelSet.NO_INCREASE.equals(t.censored()) && wMin >= 2) {
            add.add(wMin / 2);
        }
        Map<Integer, Integer> seedsAt = new TreeMap<>();
        for (int w : add) {
            seedsAt.put(w, seeds);
        }
        for (Map.Entry<Integer, Integer> e : tested.entrySet()) {
            int w = e.getKey();
            if (w >= lo && w <= hi && e.getValue() < MAX_SEED_FACTOR * seeds) {
                seedsAt.put(w, Math.min(MAX_SEED_FACTOR * seeds, 2 * e.getValue()));
            }
        }
        if (seedsAt.isEmpty()) {
            return null; // nothing left to add at integer widths
        }
        return new Request(add, seedsAt);
    }

    /** The seed's position in the search's seed list (seeds of the file first, then the added ones). */
    private static int seedRankOf(List<Long> seedList, long seed) {
        int i = seedList.indexOf(seed);
        if (i < 0) {
            throw new IllegalStateException("seed " + seed + " is not one of the search's seeds");
        }
        return i;
    }

    /**
     * Runs the search.
     *
     * @param runner runs a plan as {@code sweep run} does
     */
    public static Outcome search(SparkSession spark, Path out, Options o, PlanRunner runner, PrintStream err)
            throws ConfigException, IOException {
        SweepPlan coarse = SweepPlanner.plan(o.file(), o.sets(), o.memory());
        String name = coarse.name();
        ThresholdOptions a = o.analysis();
        ThresholdOptions ao = new ThresholdOptions(name, a.criterion(), a.delta(), a.tolerance(), a.bootstrap(), a.seed(),
                a.level(), a.replicates(), a.clustered());
        // the file's seeds: the base seed list extended with fresh seeds above the largest
        List<Long> fileSeeds = coarse.tasks().stream().map(t -> t.spec().seed()).distinct().sorted().toList();
        int seeds = fileSeeds.size();
        long nextSeed = fileSeeds.get(fileSeeds.size() - 1) + 1;
        List<Long> seedList = new ArrayList<>(fileSeeds);
        for (int i = 0; i < (MAX_SEED_FACTOR - 1) * seeds; i++) {
            seedList.add(nextSeed + i);
        }
        int fileWidths = (int) coarse.tasks().stream().map(t -> t.spec().width()).distinct().count();
        if (seeds < 2 || fileWidths < 2) {
            throw new IllegalArgumentException("search needs a grid of at least 2 widths and 2 seeds in " + o.file()
                    + " (got " + fileWidths + " widths, " + seeds + " seeds)");
        }

        Map<String, PlannedTask> tasks = new LinkedHashMap<>();
        for (PlannedTask t : coarse.tasks()) {
            tasks.put(t.taskId(), t);
        }
        List<String> log = new ArrayList<>();
        List<String> overrides = new ArrayList<>(o.sets());
        int round = 0;
        while (true) {
            runner.run(new SweepPlan(name, coarse.source(), coarse.configText(), overrides, new ArrayList<>(tasks.values())));
            Map<String, Boolean> pass = passes(spark, out, ao, tasks.keySet());
            // per group: seeds run per width, runs and passes per width
            Map<List<Object>, List<PlannedTask>> groups = new LinkedHashMap<>();
            for (PlannedTask t : tasks.values()) {
                groups.computeIfAbsent(groupKey(t.spec()), k -> new ArrayList<>()).add(t);
            }
            Map<List<Object>, Request> requests = new LinkedHashMap<>();
            List<Integer> varying = varyingFields(groups.keySet());
            int gi = 0;
            int open = 0;
            for (Map.Entry<List<Object>, List<PlannedTask>> e : groups.entrySet()) {
                // every stored run is a cell of its width and seed: the per-width counts are their sums, and
                // the interval carries the seeds' design effect
                TreeMap<Integer, Integer> tested = new TreeMap<>();
                List<int[]> stored = new ArrayList<>();
                for (PlannedTask t : e.getValue()) {
                    tested.merge(t.spec().width(), 1, Integer::sum);
                    Boolean p = pass.get(t.taskId());
                    if (p != null) {
                        stored.add(new int[] {t.spec().width(), seedRankOf(seedList, t.spec().seed()), p ? 1 : 0});
                    }
                }
                int[] widthsRun = stored.stream().mapToInt(c -> c[0]).distinct().sorted().toArray();
                double[] w = Arrays.stream(widthsRun).asDoubleStream().toArray();
                LevelSet.Cells cells = new LevelSet.Cells(
                        stored.stream().mapToInt(c -> Arrays.binarySearch(widthsRun, c[0])).toArray(),
                        stored.stream().mapToInt(c -> c[1]).toArray(), stored.stream().mapToDouble(c -> 1).toArray(),
                        stored.stream().mapToDouble(c -> c[2]).toArray());
                double[][] totals = cells.totals(widthsRun.length);
                double[] rn = totals[0];
                LevelSet.Threshold th = LevelSet.threshold(w, rn, totals[1], ao.delta(), ao.level(), 0, 0,
                        ao.clustered() ? cells : null);
                Request r = round < o.rounds() ? refine(tested, th, seeds) : null;
                boolean done = th.censored() == null && th.hi() / th.lo() <= TARGET_RATIO;
                open += done ? 0 : 1;
                log.add(String.format(Locale.ROOT, "round %d %s: %d runs at %d widths, m* %s [%s, %s]%s%s", round,
                        label(e.getKey(), varying), (int) Arrays.stream(rn).sum(), w.length,
                        th.mStar() == null ? "-" : ThresholdReport.num(th.mStar()),
                        th.lo() == null ? "?" : ThresholdReport.num(th.lo()), th.hi() == null ? "?" : ThresholdReport.num(th.hi()),
                        th.censored() == null ? "" : " " + th.censored(),
                        r == null ? (done ? ", done" : "") : ", adds widths " + r.widths() + ", seeds at " + r.seedsAt().keySet()));
                if (r != null) {
                    requests.put(e.getKey(), r);
                }
                gi++;
            }
            for (String line : log.subList(log.size() - gi, log.size())) {
                err.println("search " + name + ": " + line);
            }
            if (requests.isEmpty() || round >= o.rounds()) {
                if (open > 0) {
                    err.println("search " + name + ": " + open + " group(s) still wider than a factor " + TARGET_RATIO
                            + " after " + round + " round(s)");
                }
                break;
            }
            // one plan of the file with every requested width and seed, filtered to the requested triples
            TreeSet<Integer> widths = new TreeSet<>();
            for (Request r : requests.values()) {
                widths.addAll(r.seedsAt().keySet());
            }
            overrides = new ArrayList<>(o.sets());
            overrides.add("grid.width=" + widths.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")));
            overrides.add("grid.seed=" + seedList.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")));
            SweepPlan wide = SweepPlanner.plan(o.file(), overrides, o.memory());
            Map<Long, Integer> seedRank = new HashMap<>();
            for (int i = 0; i < seedList.size(); i++) {
                seedRank.put(seedList.get(i), i);
            }
            int added = 0;
            for (PlannedTask t : wide.tasks()) {
                Request r = requests.get(groupKey(t.spec()));
                if (r == null) {
                    continue;
                }
                Integer want = r.seedsAt().get(t.spec().width());
                Integer rank = seedRank.get(t.spec().seed());
                if (want != null && rank != null && rank < want && tasks.putIfAbsent(t.taskId(), t) == null) {
                    added++;
                }
            }
            round++;
            err.println("search " + name + ": round " + round + " adds " + added + " task(s)");
            if (added == 0) {
                break;
            }
        }

        // the tables of analyze threshold, on the search's tasks only
        Dataset<Row> runs = Analyze.runs(spark, out, ao).where(col("task_id").isin(tasks.keySet().toArray()));
        ThresholdAnalysis.Result result = ThresholdAnalysis.analyze(runs, ao);
        AnalysisTables.write(spark, out, result);

        // cost against the fixed grid of equal resolution: the finest width spacing and the most seeds, everywhere
        Row cost = runs.agg(expr("count(*)").as("tasks"), expr("sum(seconds_total)").as("seconds")).first();
        long ran = cost.<Long>getAs("tasks");
        Double secs = cost.getAs("seconds");
        double seconds = secs == null ? 0 : secs;
        double ratio = 2;
        TreeSet<Integer> all = tasks.values().stream().map(t -> t.spec().width())
                .collect(Collectors.toCollection(TreeSet::new));
        double finest = Double.POSITIVE_INFINITY;
        Integer prev = null;
        for (int w : all) {
            if (prev != null) {
                finest = Math.min(finest, w / (double) prev);
            }
            prev = w;
        }
        ratio = finest;
        List<Integer> fixedWidths = new ArrayList<>();
        for (double w = all.first(); w <= all.last() * (1 + 1e-9); w *= ratio) {
            fixedWidths.add((int) Math.round(w));
        }
        int maxSeeds = tasks.values().stream().collect(Collectors.groupingBy(t -> List.of(groupKey(t.spec()),
                t.spec().width()), Collectors.counting())).values().stream().mapToInt(Long::intValue).max().orElse(seeds);
        List<String> fixedSets = new ArrayList<>(o.sets());
        fixedSets.add("grid.width=" + fixedWidths.stream().distinct().map(String::valueOf)
                .collect(Collectors.joining(",", "[", "]")));
        fixedSets.add("grid.seed=" + seedList.subList(0, Math.min(maxSeeds, seedList.size())).stream().map(String::valueOf)
                .collect(Collectors.joining(",", "[", "]")));
        SweepPlan fixed = SweepPlanner.plan(o.file(), fixedSets, o.memory());
        double flopsRan = tasks.values().stream().mapToDouble(PlannedTask::estimatedFlops).sum();
        double flopsFixed = fixed.tasks().stream().mapToDouble(PlannedTask::estimatedFlops).sum();
        double fixedSeconds = flopsRan > 0 ? seconds * flopsFixed / flopsRan : Double.NaN;
        return new Outcome(result, round, (int) ran, seconds, fixed.tasks().size(), fixedSeconds, log);
    }

    /** Pass flag per task id of the given tasks (failed runs left out). */
    static Map<String, Boolean> passes(SparkSession spark, Path out, ThresholdOptions o, java.util.Collection<String> ids) {
        Dataset<Row> runs = Analyze.runs(spark, out, o).where(col("task_id").isin(ids.toArray()))
                .where(col("status").notEqual("failed"));
        Map<String, Boolean> m = new HashMap<>();
        for (Row r : runs.select(col("task_id"), expr(o.criterion().passExpression(o.tolerance())).as("pass")).collectAsList()) {
            m.put(r.getAs("task_id"), r.<Boolean>getAs("pass"));
        }
        return m;
    }

    /** Prints the outcome: the analysis report and the cost against the fixed grid. */
    public static void print(Outcome oc, PrintStream out) {
        ThresholdReport.print(oc.result(), out);
        out.println();
        out.printf(Locale.ROOT, "search: %d round(s), %d tasks, %.1f task-seconds; the fixed grid of equal resolution "
                        + "(finest width step and most seeds everywhere): %d tasks, ~%.1f task-seconds (%.0f%% of it)%n",
                oc.rounds(), oc.tasks(), oc.taskSeconds(), oc.fixedTasks(), oc.fixedTaskSeconds(),
                100 * oc.taskSeconds() / oc.fixedTaskSeconds());
    }
}
