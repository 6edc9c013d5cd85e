package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sweep.driver.plan.Sweeps.lines;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.sweep.driver.plan.DataKinds.Kind;
import org.sweep.driver.plan.DataKinds.Problem;
import org.sweep.driver.plan.Yaml.Entry;
import org.sweep.driver.plan.Yaml.YMap;
import org.sweep.worker.DataKind;
import org.sweep.worker.TaskSpec;

/** A data kind can be added without touching the planner: keys, labels, dataset id, defaults, per-task checks. */
class DataKindTest {

    /** A stand-in for a file kind: a "file" of 50 rows and 7 columns named by its path key. */
    private static final Kind TABLE = new Kind() {
        @Override
        public String name() {
            return "table";
        }

        @Override
        public DataKind specKind() {
            return DataKind.CSV;
        }

        @Override
        public Set<String> extraKeys() {
            return Set.of("path");
        }

        @Override
        public List<String> labelKinds() {
            return List.of("true", "permuted");
        }

        @Override
        public String dataset(YMap data) throws ConfigException {
            Entry path = data.get("path");
            if (path == null) {
                throw new ConfigException(data.origin(), "data.path", "missing; a table needs a path");
            }
            return "table:" + Values.word(path.value(), "data.path");
        }

        @Override
        public Map<Param, Object> defaults(YMap data) {
            return Map.of(Param.D, 7L, Param.N, 50L);
        }

        @Override
        public Problem check(TaskSpec spec) {
            return spec.n() > 50 ? new Problem(Param.N, "the table has only 50 rows, asked for " + spec.n()) : null;
        }
    };

    private static final Map<String, Kind> KINDS = new LinkedHashMap<>(DataKinds.KINDS);

    static {
        KINDS.put(TABLE.name(), TABLE);
    }

    private static SweepPlan plan(String yaml) throws ConfigException {
        return SweepPlanner.plan("s.yaml", yaml, List.of(), Sweeps.NO_LIMIT, KINDS);
    }

    @Test
    void aNewKindBringsItsKeysLabelsDatasetAndDefaults() throws Exception {
        SweepPlan p = plan(lines("name: t", "grid: {labels: [true, permuted]}", "data: {kind: table, path: x.csv}",
                "network: {width: 8}"));
        assertEquals(2, p.tasks().size());
        TaskSpec s = p.tasks().get(1).spec();
        assertEquals(DataKind.CSV, s.dataKind());
        assertEquals("table:x.csv", s.dataset());
        assertEquals("permuted", s.labels());
        assertEquals(7, s.d());
        assertEquals(50, s.n());
    }

    @Test
    void theDefaultLabelsAreTheKindsFirst() throws Exception {
        assertEquals("true", plan(lines("name: t", "data: {kind: table, path: x.csv}", "network: {width: 8}"))
                .tasks().get(0).spec().labels());
    }

    @Test
    void itsChecksAndKeysGiveLocatedErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> plan(lines("name: t", "grid: {n: [10, 60]}",
                "data: {kind: table, path: x.csv}", "network: {width: 8}")));
        assertEquals("s.yaml:2: grid.n: the table has only 50 rows, asked for 60", e.getMessage());
        e = assertThrows(ConfigException.class, () -> plan(lines("name: t", "data: {kind: table, path: x.csv, labels: gaussian}",
                "network: {width: 8}")));
        assertEquals("s.yaml:2: data.labels: unknown labels 'gaussian'; expected one of true, permuted for table data",
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> plan(lines("name: t", "data: {kind: sphere, path: x.csv, n: 4, d: 2}",
                "network: {width: 8}")));
        assertEquals("s.yaml:2: data.path: unknown key 'path' in data; expected one of kind, n, d, seed, labels",
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> plan(lines("name: t", "data: {kind: tabel}", "network: {width: 8}")));
        assertEquals("s.yaml:2: data.kind: unknown data kind 'tabel' (did you mean 'table'?); expected one of sphere, idx, csv, parquet, table",
                e.getMessage());
    }
}
