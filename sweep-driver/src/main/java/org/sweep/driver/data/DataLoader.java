package org.sweep.driver.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.sweep.worker.Dataset;

/**
 * Loads supplied datasets for tasks with {@code data_kind = file}: reads an IDX, CSV or Parquet
 * file, applies the class filter (first listed class -> +1, second -> -1), draws a seeded
 * subsample and normalizes every input to unit Euclidean norm (Du et al. assume ||x_i|| = 1).
 *
 * <p><b>Subsample.</b> The rows left after the class filter, in file order, are shuffled by a
 * Fisher-Yates permutation driven by SplitMix64 seeded with {@code dataSeed} (see
 * {@link #selection}); the result is the first n rows of that permutation. Row i of the result
 * therefore depends only on (file, filter, dataSeed, i): the rows for n = 100 are the first 100
 * rows for n = 1000, so tasks with different n share their points.
 *
 * <p>Every problem is a {@link DataException} naming the file (and line or item): missing or
 * empty file, truncated IDX data, bad IDX magic number, malformed CSV row, NaN/Inf features, a
 * zero input vector, a class that never occurs, fewer rows than n after filtering.
 */
public final class DataLoader {
    /** Domain separation: the selection stream must not coincide with other streams seeded by dataSeed. */
    private static final long SELECTION_STREAM = 0x5E1EC7105EEDL;

    private DataLoader() {
    }

    /**
     * Reads the file far enough to report its shape and validate it: headers for IDX (plus the
     * labels file), every row for CSV and Parquet.
     */
    public static DataShape describe(DataSource src) {
        if (src.format() == DataFormat.IDX) {
            IdxLabels l = readIdxLabels(src);
            return new DataShape(l.fileRows, l.kept.size(), l.d);
        }
        RowCollector c = collect(src, false);
        return new DataShape(c.fileRows(), c.size(), c.d());
    }

    /**
     * The first n rows of the seeded permutation of the filtered rows, each normalized to unit
     * norm, as a worker {@link Dataset} named {@link DataSource#id()}. When the source carries a
     * fingerprint ({@link DataSource#sha256()}), the file's bytes are hashed first and must match it:
     * rows are never trained under the identity of other bytes.
     */
    public static Dataset load(DataSource src, long dataSeed, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + " must be >= 1");
        }
        requireFingerprint(src);
        if (src.format() == DataFormat.IDX) {
            return loadIdx(src, dataSeed, n);
        }
        RowCollector c = collect(src, true);
        int[] sel = selection(requireRows(src, c.size(), n), dataSeed, n);
        int d = c.d();
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            int k = sel[i];
            normalizeInto(c.x(k), x, i * d);
            y[i] = c.y(k);
        }
        return new Dataset(src.id(), n, d, x, y);
    }

    /**
     * Checks that the file(s) still have the fingerprint recorded in {@code src} (nothing to check
     * when it has none, as in identifiers stored before fingerprints existed).
     */
    public static void requireFingerprint(DataSource src) {
        if (src.sha256() == null) {
            return;
        }
        String now = DataFingerprint.of(src);
        if (!now.equals(src.sha256())) {
            throw new DataException(src.path() + (src.labelsPath() == null ? "" : " + " + src.labelsPath())
                    + ": content changed since the sweep was planned (SHA-256 " + now.substring(0, 12)
                    + "..., planned " + src.sha256().substring(0, 12) + "...); run the sweep again to plan the new"
                    + " content under new task ids");
        }
    }

    private static RowCollector collect(DataSource src, boolean keepFeatures) {
        RowCollector c = new RowCollector(src, src.path(), keepFeatures);
        if (src.format() == DataFormat.CSV) {
            CsvReader.read(src, c);
        } else {
            ParquetReader.read(src, c);
        }
        return c;
    }

    private static int requireRows(DataSource src, int rows, int n) {
        if (rows < n) {
            String filter = src.classes().isEmpty() ? "" : " after the class filter " + src.classes();
            throw new DataException(src.path() + ": " + rows + " rows" + filter + ", fewer than the requested n = " + n);
        }
        return rows;
    }

    /**
     * Indices (into the filtered rows) of the first n rows of a seeded Fisher-Yates permutation of
     * {@code rows} items: step i swaps position i with a uniform position in [i, rows). Only the
     * first n steps run; they are the first n steps of the full shuffle, so a smaller n gives a
     * prefix of a larger one.
     */
    public static int[] selection(int rows, long dataSeed, int n) {
        if (n > rows || n < 0) {
            throw new IllegalArgumentException("n = " + n + " not in [0, " + rows + "]");
        }
        SplitMix64 rng = new SplitMix64(dataSeed ^ SELECTION_STREAM);
        // positions touched so far (sparse, so a huge file costs O(n) memory)
        Map<Integer, Integer> swapped = new HashMap<>();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(rows - i);
            int vi = swapped.getOrDefault(i, i);
            int vj = swapped.getOrDefault(j, j);
            swapped.put(j, vi);
            out[i] = vj;
        }
        return out;
    }

    /** x / ||x|| written into {@code dst} at {@code off} (the row was checked non-zero and finite). */
    private static void normalizeInto(double[] row, double[] dst, int off) {
        double sq = 0;
        for (double v : row) {
            sq += v * v;
        }
        double inv = 1.0 / Math.sqrt(sq);
        for (int k = 0; k < row.length; k++) {
            dst[off + k] = row[k] * inv;
        }
    }

    // ---- IDX: labels first (small), then one streaming pass over the images keeping only selected items

    private record IdxLabels(long fileRows, int d, List<Integer> kept, List<Double> y) {
    }

    private static IdxLabels readIdxLabels(DataSource src) {
        int count;
        int d;
        try (IdxReader images = IdxReader.open(src.path(), "IDX images file")) {
            count = images.count();
            d = images.itemSize();
        }
        RowCollector c = new RowCollector(src, src.labelsPath(), false);
        List<Integer> kept = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        try (IdxReader labels = IdxReader.open(src.labelsPath(), "IDX labels file")) {
            if (labels.itemSize() != 1) {
                throw new DataException(src.labelsPath() + ": IDX labels file must hold one value per item; shape is "
                        + labels.shape());
            }
            if (labels.count() != count) {
                throw new DataException(src.labelsPath() + ": " + labels.count() + " labels but the images file "
                        + src.path() + " has " + count + " items");
            }
            double[] v = new double[1];
            for (int i = 0; i < count; i++) {
                labels.next(v);
                Double label = c.label(ParquetReader.labelKey(v[0]), src.labelsPath() + ": item " + i);
                if (label != null) {
                    kept.add(i);
                    y.add(label);
                }
            }
        }
        c.finish();
        return new IdxLabels(count, d, kept, y);
    }

    private static Dataset loadIdx(DataSource src, long dataSeed, int n) {
        IdxLabels l = readIdxLabels(src);
        int[] sel = selection(requireRows(src, l.kept.size(), n), dataSeed, n);
        int d = l.d;
        // file item -> output row, and file item -> is it kept by the filter
        Map<Integer, Integer> outRow = new HashMap<>();
        for (int i = 0; i < n; i++) {
            outRow.put(l.kept.get(sel[i]), i);
        }
        boolean[] keptItem = new boolean[Math.toIntExact(l.fileRows)];
        for (int item : l.kept) {
            keptItem[item] = true;
        }
        double[] x = new double[n * d];
        double[] y = new double[n];
        double[] row = new double[d];
        try (IdxReader images = IdxReader.open(src.path(), "IDX images file")) {
            for (int item = 0; item < images.count(); item++) {
                if (!keptItem[item]) {
                    images.next(null);
                    continue;
                }
                images.next(row);
                RowCollector.checkFeatures(row, src.path() + ": item " + item);
                Integer i = outRow.get(item);
                if (i != null) {
                    normalizeInto(row, x, i * d);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            y[i] = l.y.get(sel[i]);
        }
        return new Dataset(src.id(), n, d, x, y);
    }
}
