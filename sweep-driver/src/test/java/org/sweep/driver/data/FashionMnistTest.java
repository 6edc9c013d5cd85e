package org.sweep.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.sweep.worker.Dataset;

/**
 * The loader on the real Fashion-MNIST training set of the Debian package dataset-fashion-mnist,
 * checked against the published facts (60000 images of 28x28, 6000 per class) and against a
 * direct decoding of the gzipped bytes written out here (16-byte image header, 8-byte label header).
 */
class FashionMnistTest {
    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
    private static final Path IMAGES = DIR.resolve("train-images-idx3-ubyte.gz");
    private static final Path LABELS = DIR.resolve("train-labels-idx1-ubyte.gz");
    /** Pixels are bytes scaled by one norm: a couple of roundings each. */
    private static final double PIXEL_TOL = 1e-15;

    @Test
    void tShirtVersusShirtMatchesTheRawBytes() throws IOException {
        assumeTrue(Files.isReadable(IMAGES) && Files.isReadable(LABELS),
                "Fashion-MNIST not installed (Debian package dataset-fashion-mnist): " + IMAGES + " missing; test skipped");
        // class 0 = T-shirt/top -> +1, class 6 = shirt -> -1
        DataSource src = DataSource.idx(IMAGES.toString(), LABELS.toString(), List.of("0", "6"));
        assertEquals(new DataShape(60000, 12000, 784), DataLoader.describe(src));

        final int n = 300;
        final long seed = 11;
        Dataset ds = DataLoader.load(src, seed, n);
        assertEquals(784, ds.d());

        byte[] labels;
        byte[] pixels;
        try (InputStream l = new GZIPInputStream(Files.newInputStream(LABELS));
             InputStream i = new GZIPInputStream(Files.newInputStream(IMAGES))) {
            labels = l.readAllBytes();
            pixels = i.readAllBytes();
        }
        List<Integer> kept = new ArrayList<>();
        for (int item = 0; item < 60000; item++) {
            int c = labels[8 + item];
            if (c == 0 || c == 6) {
                kept.add(item);
            }
        }
        int[] sel = DataLoader.selection(kept.size(), seed, n);
        int plus = 0;
        for (int r = 0; r < n; r++) {
            int item = kept.get(sel[r]);
            assertEquals(labels[8 + item] == 0 ? 1.0 : -1.0, ds.y()[r]);
            plus += ds.y()[r] > 0 ? 1 : 0;
            double sq = 0;
            for (int k = 0; k < 784; k++) {
                double v = pixels[16 + 784 * item + k] & 0xff;
                sq += v * v;
            }
            double norm = Math.sqrt(sq);
            for (int k = 0; k < 784; k++) {
                assertEquals((pixels[16 + 784 * item + k] & 0xff) / norm, ds.x()[784 * r + k], PIXEL_TOL,
                        "row " + r + " pixel " + k);
            }
        }
        // balanced classes: plus ~ Binomial-like(300, 1/2), sd 8.7; 5 sd
        assertEquals(n / 2.0, plus, 5 * Math.sqrt(n / 4.0));
    }
}
