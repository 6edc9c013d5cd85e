package org.sweep.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.worker.Dataset;
import org.sweep.worker.SplitMix64;

class DataLoaderTest {
    /** Normalization is x / sqrt(sum x^2): a few roundings per row, far below this. */
    private static final double UNIT_NORM_TOL = 1e-12;
    /** Ratios of normalized entries recover small integers to within a few ulps of the ratio. */
    private static final double RATIO_TOL = 1e-9;

    @TempDir
    Path dir;

    // ---- IDX files written here: image of item i is [i + 1, 10 * label + 1, 1, 0] (2x2), so every
    //      loaded row can be traced back to its file item and label.

    private static final int[] LABELS = {3, 7, 3, 1, 7, 7, 3, 0, 3, 7, 1, 3, 7, 3, 7, 2, 3, 7, 7, 3};

    private Path writeIdx(String name, int type, int[] dims, double[] values, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt((type << 8) | dims.length);
        for (int dim : dims) {
            out.writeInt(dim);
        }
        for (double v : values) {
            switch (type) {
                case 0x08 -> out.writeByte((int) v);
                case 0x0D -> out.writeFloat((float) v);
                case 0x0E -> out.writeDouble(v);
                default -> throw new IllegalArgumentException();
            }
        }
        Path p = dir.resolve(name);
        try (OutputStream f = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            f.write(bytes.toByteArray());
        }
        return p;
    }

    private double[] images(int[] labels) {
        double[] v = new double[labels.length * 4];
        for (int i = 0; i < labels.length; i++) {
            v[4 * i] = i + 1;
            v[4 * i + 1] = 10 * labels[i] + 1;
            v[4 * i + 2] = 1;
        }
        return v;
    }

    private DataSource idxPair(boolean gzip) throws IOException {
        String ext = gzip ? ".gz" : "";
        Path img = writeIdx("img" + ext, 0x08, new int[] {LABELS.length, 2, 2}, images(LABELS), gzip);
        Path lab = writeIdx("lab" + ext, 0x08, new int[] {LABELS.length}, Arrays.stream(LABELS).asDoubleStream().toArray(), gzip);
        return DataSource.idx(img.toString(), lab.toString(), List.of("3", "7"));
    }

    private static void assertUnitRows(Dataset ds) {
        for (int i = 0; i < ds.n(); i++) {
            double sq = 0;
            for (int k = 0; k < ds.d(); k++) {
                sq += ds.x()[i * ds.d() + k] * ds.x()[i * ds.d() + k];
            }
            assertEquals(1.0, Math.sqrt(sq), UNIT_NORM_TOL, "row " + i);
        }
    }

    @Test
    void idxRowsAreNormalizedFilteredAndLabelledFirstClassPlusOne() throws IOException {
        Dataset ds = DataLoader.load(idxPair(false), 42, 12);
        assertEquals(12, ds.n());
        assertEquals(4, ds.d());
        assertUnitRows(ds);
        Set<Integer> items = new HashSet<>();
        for (int i = 0; i < ds.n(); i++) {
            double x2 = ds.x()[4 * i + 2];
            int item = (int) Math.round(ds.x()[4 * i] / x2) - 1;
            double label = (ds.x()[4 * i + 1] / x2 - 1) / 10;
            assertEquals(Math.round(label), label, RATIO_TOL);
            assertEquals(LABELS[item], (int) Math.round(label), "row " + i + " is item " + item);
            assertTrue(LABELS[item] == 3 || LABELS[item] == 7, "class filter keeps only 3 and 7");
            assertEquals(LABELS[item] == 3 ? 1.0 : -1.0, ds.y()[i], "3 is listed first: +1");
            assertEquals(0.0, ds.x()[4 * i + 3]);
            assertTrue(items.add(item), "no item twice");
        }
    }

    @Test
    void gzippedAndPlainIdxGiveIdenticalRowsAndSmallNIsAPrefix() throws IOException {
        DataSource plain = idxPair(false);
        Dataset a = DataLoader.load(plain, 7, 16);
        Dataset b = DataLoader.load(idxPair(true), 7, 16);
        assertArrayEquals(a.x(), b.x());
        assertArrayEquals(a.y(), b.y());
        Dataset small = DataLoader.load(plain, 7, 5);
        assertArrayEquals(Arrays.copyOf(a.x(), 5 * 4), small.x());
        assertArrayEquals(Arrays.copyOf(a.y(), 5), small.y());
        Dataset other = DataLoader.load(plain, 8, 16);
        assertFalse(Arrays.equals(a.x(), other.x()), "another seed draws another order");
        assertEquals(new DataShape(20, 16, 4), DataLoader.describe(plain));
    }

    @Test
    void floatAndDoubleIdxElementsAreRead() throws IOException {
        double[] vals = {0.5, -2.0, 3.25, 0.125, 4, 0, 0, 3};
        Path img = writeIdx("f.idx", 0x0D, new int[] {2, 4}, vals, false);
        Path imgD = writeIdx("d.idx", 0x0E, new int[] {2, 4}, vals, false);
        Path lab = writeIdx("l.idx", 0x08, new int[] {2}, new double[] {1, 1}, false);
        Dataset f = DataLoader.load(new DataSource(DataFormat.IDX, img.toString(), lab.toString(), null, null, List.of()), 0, 2);
        Dataset d = DataLoader.load(new DataSource(DataFormat.IDX, imgD.toString(), lab.toString(), null, null, List.of()), 0, 2);
        // the values are exact in float, so both element types give the same rows
        assertArrayEquals(f.x(), d.x());
        assertArrayEquals(new double[] {1, 1}, f.y(), "no filter: labels are the numeric targets");
        int row = Math.abs(f.x()[0] - 0.8) < RATIO_TOL ? 0 : 1; // [4, 0, 0, 3] / 5 = [0.8, 0, 0, 0.6]
        assertEquals(0.6, f.x()[4 * row + 3], RATIO_TOL);
    }

    // ---- selection: checked against a plain full Fisher-Yates shuffle written out here

    @Test
    void selectionIsThePrefixOfAFullFisherYatesShuffle() {
        for (long seed : new long[] {0, 1, -5, 123456789}) {
            int rows = 50;
            int[] perm = new int[rows];
            for (int i = 0; i < rows; i++) {
                perm[i] = i;
            }
            SplitMix64 rng = new SplitMix64(seed ^ 0x5E1EC7105EEDL);
            for (int i = 0; i < rows; i++) {
                int j = i + rng.nextInt(rows - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            assertArrayEquals(perm, DataLoader.selection(rows, seed, rows));
            assertArrayEquals(Arrays.copyOf(perm, 7), DataLoader.selection(rows, seed, 7));
        }
    }

    @Test
    void selectionPutsEveryRowFirstEquallyOften() {
        // 10 rows, 20000 seeds: each count is Binomial(20000, 0.1), sd = 42.4; 5 sd bounds a fair draw.
        final int rows = 10;
        final int seeds = 20000;
        final double fiveSd = 5 * Math.sqrt(seeds * 0.1 * 0.9);
        int[] first = new int[rows];
        for (int s = 0; s < seeds; s++) {
            first[DataLoader.selection(rows, s, 1)[0]]++;
        }
        for (int r = 0; r < rows; r++) {
            assertEquals(seeds / (double) rows, first[r], fiveSd, "row " + r);
        }
    }

    // ---- IDX errors

    private static String message(Runnable r) {
        return assertThrows(DataException.class, r::run).getMessage();
    }

    @Test
    void idxErrorsNameTheFileAndTheProblem() throws IOException {
        DataSource ok = idxPair(false);
        String missing = dir.resolve("nope.gz").toString();
        String m = message(() -> DataLoader.load(DataSource.idx(missing, ok.labelsPath(), List.of("3", "7")), 0, 2));
        assertTrue(m.startsWith(missing + ": ") && m.contains("does not exist"), m);

        Path empty = Files.createFile(dir.resolve("empty.idx"));
        m = message(() -> DataLoader.load(DataSource.idx(empty.toString(), ok.labelsPath(), List.of("3", "7")), 0, 2));
        assertTrue(m.startsWith(empty + ": ") && m.contains("empty"), m);

        Path bad = dir.resolve("bad.idx");
        Files.write(bad, new byte[] {0x1A, 0x2B, 0x08, 0x03, 0, 0, 0, 1});
        m = message(() -> DataLoader.load(DataSource.idx(bad.toString(), ok.labelsPath(), List.of("3", "7")), 0, 2));
        assertTrue(m.startsWith(bad + ": bad IDX magic number 0x1A2B0803"), m);

        // header declares 20 images, 13 present
        double[] few = Arrays.copyOf(images(LABELS), 13 * 4);
        Path trunc = writeIdx("trunc.gz", 0x08, new int[] {LABELS.length, 2, 2}, few, true);
        m = message(() -> DataLoader.load(DataSource.idx(trunc.toString(), ok.labelsPath(), List.of("3", "7")), 0, 16));
        assertTrue(m.startsWith(trunc + ": truncated IDX file: header declares 20 items") && m.contains("after 13 complete items"), m);

        Path shortLabels = writeIdx("lab19", 0x08, new int[] {19}, new double[19], false);
        m = message(() -> DataLoader.load(DataSource.idx(ok.path(), shortLabels.toString(), List.of()), 0, 2));
        assertTrue(m.startsWith(shortLabels + ": 19 labels but the images file"), m);

        m = message(() -> DataLoader.load(DataSource.idx(ok.path(), ok.labelsPath(), List.of("3", "11")), 0, 2));
        assertTrue(m.startsWith(ok.labelsPath() + ": unknown class '11'") && m.contains("0, 1, 2, 3, 7"), m);

        m = message(() -> DataLoader.load(ok, 0, 17));
        assertTrue(m.startsWith(ok.path() + ": 16 rows after the class filter [3, 7], fewer than the requested n = 17"), m);

        double[] withZero = images(LABELS);
        Arrays.fill(withZero, 4 * 6, 4 * 7, 0.0); // item 6 (class 3) all zero
        Path zero = writeIdx("zero.idx", 0x08, new int[] {LABELS.length, 2, 2}, withZero, false);
        m = message(() -> DataLoader.load(DataSource.idx(zero.toString(), ok.labelsPath(), List.of("3", "7")), 0, 2));
        assertEquals(zero + ": item 6: all features are zero; a zero vector cannot be normalized to unit norm", m);

        double[] withNan = {0.5, Double.NaN, 1, 1, 2, 2, 2, 2};
        Path nan = writeIdx("nan.idx", 0x0E, new int[] {2, 4}, withNan, false);
        Path lab2 = writeIdx("lab2", 0x08, new int[] {2}, new double[] {0, 1}, false);
        m = message(() -> DataLoader.load(DataSource.idx(nan.toString(), lab2.toString(), List.of()), 0, 2));
        assertEquals(nan + ": item 0: feature 1 is NaN (features must be finite)", m);
    }

    // ---- CSV

    private Path csv(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void csvRowsAreParsedFilteredAndNormalized() throws IOException {
        Path p = csv("a.csv", "x1,label,x2\n3,cat,4\n1,dog,0\n\n0,bird,2\n\"6\",cat,8\n");
        DataSource src = DataSource.csv(p.toString(), "label", List.of("dog", "cat"));
        assertEquals(new DataShape(4, 3, 2), DataLoader.describe(src));
        Dataset ds = DataLoader.load(src, 3, 3);
        assertUnitRows(ds);
        for (int i = 0; i < 3; i++) {
            double x1 = ds.x()[2 * i];
            double x2 = ds.x()[2 * i + 1];
            if (ds.y()[i] > 0) { // dog, listed first: [1, 0]
                assertEquals(1.0, x1, UNIT_NORM_TOL);
                assertEquals(0.0, x2);
            } else { // both cat rows are [3, 4] up to scale -> [0.6, 0.8]
                assertEquals(-1.0, ds.y()[i]);
                assertEquals(0.6, x1, UNIT_NORM_TOL);
                assertEquals(0.8, x2, UNIT_NORM_TOL);
            }
        }
        Dataset targets = DataLoader.load(DataSource.csv(csv("r.csv", "y,a\n2.5,1\n-1,2\n").toString(), "y", List.of()), 0, 2);
        Set<Double> ys = new HashSet<>();
        for (double y : targets.y()) {
            ys.add(y);
        }
        assertEquals(Set.of(2.5, -1.0), ys, "without classes the label column holds numeric targets");
    }

    @Test
    void csvErrorsNameTheFileAndLine() throws IOException {
        Path cols = csv("cols.csv", "a,b,label\n1,2,0\n1,2\n");
        String m = message(() -> DataLoader.load(DataSource.csv(cols.toString(), "label", List.of()), 0, 1));
        assertEquals(cols + ":3: 2 columns, the header has 3", m);

        Path num = csv("num.csv", "a,b,label\n1,2,0\n\n1,x7,1\n");
        m = message(() -> DataLoader.load(DataSource.csv(num.toString(), "label", List.of()), 0, 1));
        assertEquals(num + ":4: column 'b': 'x7' is not a number", m);

        Path inf = csv("inf.csv", "a,b,label\n1,Infinity,0\n");
        m = message(() -> DataLoader.load(DataSource.csv(inf.toString(), "label", List.of()), 0, 1));
        assertEquals(inf + ":2: column 'b': Infinity is not finite", m);

        Path nan = csv("nan.csv", "a,b,label\n1,NaN,0\n");
        m = message(() -> DataLoader.load(DataSource.csv(nan.toString(), "label", List.of()), 0, 1));
        assertEquals(nan + ":2: column 'b': NaN is not finite", m);

        Path zero = csv("zero.csv", "a,b,label\n1,1,0\n0,0.0,1\n");
        m = message(() -> DataLoader.load(DataSource.csv(zero.toString(), "label", List.of()), 0, 1));
        assertEquals(zero + ":3: all features are zero; a zero vector cannot be normalized to unit norm", m);

        Path nolabel = csv("nolabel.csv", "a,b,c\n1,2,3\n");
        m = message(() -> DataLoader.load(DataSource.csv(nolabel.toString(), "label", List.of()), 0, 1));
        assertEquals(nolabel + ":1: label column 'label' is not in the header (columns: a, b, c)", m);

        Path empty = csv("empty.csv", "");
        m = message(() -> DataLoader.load(DataSource.csv(empty.toString(), "label", List.of()), 0, 1));
        assertEquals(empty + ": CSV file is empty (0 bytes)", m);

        Path header = csv("header.csv", "a,label\n");
        m = message(() -> DataLoader.load(DataSource.csv(header.toString(), "label", List.of()), 0, 1));
        assertEquals(header + ": CSV file has a header but no data rows", m);

        Path text = csv("text.csv", "a,label\n1,cat\n");
        m = message(() -> DataLoader.load(DataSource.csv(text.toString(), "label", List.of()), 0, 1));
        assertTrue(m.startsWith(text + ":2: label 'cat' is not a number"), m);

        Path two = csv("two.csv", "a,label\n1,cat\n2,dog\n3,cat\n");
        m = message(() -> DataLoader.load(DataSource.csv(two.toString(), "label", List.of("cat", "dog")), 0, 4));
        assertEquals(two + ": 3 rows after the class filter [cat, dog], fewer than the requested n = 4", m);
    }

    @Test
    void identifierRoundTrips() throws IOException {
        DataSource s = DataSource.parquet("/data/a b,c&d.parquet", "y", "pixels", List.of("0", "6"));
        assertEquals(s, DataSource.parse(s.id()));
        DataSource i = idxPair(true);
        assertEquals(i, DataSource.parse(i.id()));
        assertThrows(IllegalArgumentException.class, () -> DataSource.idx("a", "b", List.of("1")));
        assertThrows(IllegalArgumentException.class, () -> DataSource.csv("a", null, List.of()));
        assertNotEquals(DataSource.csv("a", "y", List.of("0", "6")).id(), DataSource.csv("a", "y", List.of("6", "0")).id(),
                "class order decides the sign, so it is part of the identity");
    }
}
