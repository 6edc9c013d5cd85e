package org.sweep.driver.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.run.FakeWorker;
import org.sweep.driver.run.SweepRunner;
import org.sweep.driver.run.TaskFunction;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;
import org.sweep.worker.Summary;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * The search's refinement rule on its own, and a whole search through the ordinary planner and
 * runner with a synthetic worker whose bound_holds is a Bernoulli draw from a known logistic pass
 * curve (m* = 4 n^2 at p = 0.9): every task is stored once, a second search runs nothing, and the
 * tables of analyze threshold are written.
 */
class SearchTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("search-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static LevelSet.Threshold th(Double lo, Double hi, String censored) {
        return new LevelSet.Threshold(lo == null || hi == null ? null : Math.sqrt(lo * hi), lo, hi, censored, 0, 1);
    }

    private static TreeMap<Integer, Integer> tested(int seeds, int... widths) {
        TreeMap<Integer, Integer> m = new TreeMap<>();
        for (int w : widths) {
            m.put(w, seeds);
        }
        return m;
    }

    @Test
    void groupLabelsNameEveryFieldThatTellsGroupsApartAndAlwaysN() {
        List<Object> a = Search.groupKey(TaskSpec.sphere(8, 64, 16, 0, 0));
        List<Object> b = Search.groupKey(TaskSpec.sphere(16, 64, 32, 0, 1));
        TaskSpec s = TaskSpec.sphere(8, 128, 32, 0, 0);
        List<Object> c = Search.groupKey(new TaskSpec(s.width(), s.n(), s.d(), s.dataKind(), s.dataset(), s.dataSeed(),
                s.labels(), s.kappa(), s.seed(), s.eta(), s.etaMode(), s.steps(), s.targetLossRatio(), s.checkpoints(),
                s.spectrumCheckpoints(), s.loss(), org.sweep.worker.Activation.parse("leaky_relu"), s.batchSize(),
                s.trainLayers()));
        assertEquals(Search.GROUP_FIELDS.size(), a.size(), "one name per key field");
        List<Integer> fields = Search.varyingFields(List.of(a, b, c));
        assertEquals("n=64 d=16 activation=relu", Search.label(a, fields));
        assertEquals("n=128 d=32 activation=leaky_relu", Search.label(c, fields));
        assertEquals("n=64", Search.label(a, Search.varyingFields(List.of(a))), "one group: n only");
    }

    @Test
    void refineAddsMidpointsInsideTheIntervalSeedsThereAndExtendsCensoredEnds() {
        // interval [20, 300] on 4, 16, 64, 256, 1024: pairs overlapping it are (16,64), (64,256), (256,1024)
        Search.Request r = Search.refine(tested(4, 4, 16, 64, 256, 1024), th(20.0, 300.0, null), 4);
        assertNotNull(r);
        assertEquals(List.of(32, 128, 512), List.copyOf(r.widths()));
        assertEquals(Map.of(32, 4, 128, 4, 512, 4, 64, 8, 256, 8), r.seedsAt(),
                "new widths get the file's seeds, widths inside the interval twice as many");
        // within a factor 2: done
        assertNull(Search.refine(tested(4, 4, 16, 64), th(30.0, 59.0, null), 4));
        // censored above: midpoints up to the top and one width beyond the grid
        Search.Request up = Search.refine(tested(4, 4, 16, 64), th(20.0, null, LevelSet.ABOVE_GRID), 4);
        assertEquals(List.of(32, 128), List.copyOf(up.widths()));
        // censored below: one width under the grid
        Search.Request down = Search.refine(tested(4, 4, 16, 64), th(null, 10.0, LevelSet.BELOW_GRID), 4);
        assertTrue(down.widths().contains(2) && down.widths().contains(8), down.toString());
        // seeds double again in a later round, and never grow past four times the file's count
        Search.Request more = Search.refine(tested(8, 16, 23, 32), th(17.0, 40.0, null), 4);
        assertEquals(16, more.seedsAt().get(23), more.toString());
        assertEquals(16, more.seedsAt().get(32), more.toString());
        Search.Request again = Search.refine(tested(16, 16, 23, 32), th(17.0, 40.0, null), 4);
        assertEquals(List.of(19, 27), List.copyOf(again.widths()));
        assertTrue(again.seedsAt().keySet().stream().noneMatch(w -> w == 23 || w == 32), again.toString());
    }

    /** bound_holds drawn from logit P = logit(0.9) + 3 (log m - log(4 n^2)), seeded by the task's spec. */
    static TaskResult fake(TaskSpec s) {
        TaskResult r = FakeWorker.run(s);
        double p = PassCurve.sigmoid(PassCurve.logit(0.9) + 3 * (Math.log(s.width()) - Math.log(4.0 * s.n() * s.n())));
        org.sweep.worker.SplitMix64 rng = new org.sweep.worker.SplitMix64(s.seed() * 1_000_003L + s.width() * 31L + s.n());
        boolean pass = LevelSet.uniform(rng) < p;
        return new TaskResult(r.spec(), r.status(), r.message(), r.etaValue(), r.etaFactor(), withBound(r.summary(), pass),
                r.trajectory(), r.spectra(), r.cost());
    }

    /** The summary with boundHolds replaced (through the record's canonical constructor). */
    static Summary withBound(Summary m, boolean pass) {
        try {
            RecordComponent[] c = Summary.class.getRecordComponents();
            Object[] v = new Object[c.length];
            Class<?>[] types = new Class<?>[c.length];
            for (int i = 0; i < c.length; i++) {
                v[i] = c[i].getName().equals("boundHolds") ? Boolean.valueOf(pass) : c[i].getAccessor().invoke(m);
                types[i] = c[i].getType();
            }
            return Summary.class.getDeclaredConstructor(types).newInstance(v);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void searchRunsEveryTaskOnceResumesWithNothingToDoAndWritesTheTables() throws Exception {
        Path file = dir.resolve("search.yaml");
        Files.writeString(file, String.join("\n",
                "# search test: 2 n x 5 widths x 4 seeds of synthetic tasks. Seconds.",
                "name: search-test",
                "grid:",
                "  n: [4, 8]",
                "  width: {from: 4, to: 1024, factor: 4}",
                "  seed: {from: 0, count: 4}",
                "data: {kind: sphere, d: 3, seed: 0}",
                "train: {steps: 20, checkpoints: 4, spectrum_checkpoints: 1}", ""));
        Path out = dir.resolve("out");
        ResultStore store = new ResultStore(out);
        store.init();
        TaskFunction fn = SearchTest::fake;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);
        int[] runs = new int[1];
        Search.PlanRunner runner = plan -> {
            SweepRunner.Report rep = new SweepRunner(spark, store, fn, "local[2]", err, false).run(plan);
            runs[0] += rep.ran();
            return rep;
        };
        ThresholdOptions a = new ThresholdOptions("search-test", Criterion.BOUND_HOLDS, 0.1, 0.1, 50, 0, 0.95, List.of("seed"));
        Search.Options o = new Search.Options(file, List.of(), a, 2, Long.MAX_VALUE);
        Search.Outcome first = Search.search(spark, out, o, runner, err);
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(first.rounds() >= 1, text);
        assertTrue(first.tasks() > 40, "the coarse grid is 40 tasks and the search added some: " + first.tasks() + "\n" + text);
        assertEquals(first.tasks(), runs[0], "every planned task ran exactly once");
        List<Row> counts = store.view(spark, Tables.RUNS).groupBy("task_id").count().where("count > 1").collectAsList();
        assertTrue(counts.isEmpty(), "no task stored twice: " + counts);
        assertTrue(first.fixedTasks() > first.tasks(), "the fixed grid of equal resolution is larger: " + first.fixedTasks());

        // started again: the same decisions from the stored runs, nothing left to run
        Search.Outcome second = Search.search(spark, out, o, runner, err);
        assertEquals(first.tasks(), runs[0], "a second search runs no task");
        assertEquals(first.tasks(), second.tasks());

        Row row = AnalysisTables.read(spark, out, AnalysisTables.THRESHOLDS).where("n = 8").first();
        double mStar = row.<Double>getAs("m_star");
        assertTrue(mStar > 256 / 3.0 && mStar < 256 * 3.0, "m* near 4 n^2 = 256: " + mStar + "\n" + text);
    }
}
