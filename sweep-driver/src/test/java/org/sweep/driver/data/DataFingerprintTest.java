package org.sweep.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.worker.Dataset;

/** The content fingerprint: SHA-256 of the bytes, independent of the path, checked when loading. */
class DataFingerprintTest {
    /** SHA-256 of the three bytes "abc" (FIPS 180-2, appendix B.1). */
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void aFileHasTheSha256OfItsBytesWhateverItsPath() throws Exception {
        assertEquals(SHA256_ABC, DataFingerprint.of(DataSource.csv(write("abc.csv", "abc").toString(), "y", List.of())));
        assertEquals(SHA256_ABC, DataFingerprint.of(DataSource.csv(write("elsewhere/copy.txt", "abc").toString(), "y",
                List.of())), "same bytes at another path");
        assertEquals(SHA256_ABC, DataFingerprint.of(DataSource.parquet(write("t.parquet", "abc").toString(), "y", null,
                List.of())), "a single Parquet file: its bytes, like any file");
        assertNotEquals(SHA256_ABC, DataFingerprint.of(DataSource.csv(write("abc.csv", "abd").toString(), "y",
                List.of())), "one byte edited at the same path");
    }

    @Test
    void idxHashesTheImagesBytesThenTheLabelsBytes() throws Exception {
        Path images = write("images", "ab");
        Path labels = write("labels", "c");
        assertEquals(SHA256_ABC, DataFingerprint.of(DataSource.idx(images.toString(), labels.toString(), List.of())));
        assertNotEquals(SHA256_ABC, DataFingerprint.of(DataSource.idx(labels.toString(), images.toString(), List.of())));
    }

    @Test
    void aParquetFolderHashesItsDataFilesByRelativePath() throws Exception {
        Path table = dir.resolve("table");
        write("table/k=2/b.parquet", "c");
        write("table/a.parquet", "ab");
        MessageDigest ref = MessageDigest.getInstance("SHA-256");
        for (String[] f : new String[][] {{"a.parquet", "ab"}, {"k=2/b.parquet", "c"}}) {
            ref.update(f[0].getBytes(StandardCharsets.UTF_8));
            ref.update((byte) 0);
            ref.update(ByteBuffer.allocate(8).putLong(f[1].length()).array());
            ref.update(f[1].getBytes(StandardCharsets.UTF_8));
        }
        String expected = HexFormat.of().formatHex(ref.digest());
        DataSource src = DataSource.parquet(table.toString(), "y", null, List.of());
        assertEquals(expected, DataFingerprint.of(src));
        // files Spark does not read as data do not count
        write("table/_SUCCESS", "");
        write("table/.a.parquet.crc", "xyz");
        write("table/_temporary/0/c.parquet", "junk");
        assertEquals(expected, DataFingerprint.of(src));
        // a partition value lives in the folder name: renaming it is other data
        Files.move(table.resolve("k=2"), table.resolve("k=3"));
        assertNotEquals(expected, DataFingerprint.of(src));
    }

    @Test
    void missingFilesGiveTheReadersMessages() {
        String missing = dir.resolve("none.csv").toString();
        DataException e = assertThrows(DataException.class,
                () -> DataFingerprint.of(DataSource.csv(missing, "y", List.of())));
        assertEquals(missing + ": CSV file does not exist", e.getMessage());
        e = assertThrows(DataException.class,
                () -> DataFingerprint.of(DataSource.parquet(missing, "y", null, List.of())));
        assertEquals(missing + ": Parquet file does not exist", e.getMessage());
    }

    @Test
    void loadingChecksTheRecordedFingerprint() throws Exception {
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 10; i++) {
            csv.append(i + 1).append(',').append(i % 3 + 1).append(',').append(i % 2 == 0 ? "p" : "q").append('\n');
        }
        Path file = write("pts.csv", csv.toString());
        DataSource plain = DataSource.csv(file.toString(), "y", List.of("p", "q"));
        String fp = DataFingerprint.of(plain);
        DataSource pinned = plain.withSha256(fp);
        assertEquals(pinned, DataSource.parse(pinned.id()), "the fingerprint survives the identifier");
        assertTrue(pinned.id().endsWith("&sha256=" + fp), pinned.id());
        Dataset a = DataLoader.load(plain, 3, 6);
        Dataset b = DataLoader.load(pinned, 3, 6);
        assertEquals(java.util.Arrays.toString(a.x()), java.util.Arrays.toString(b.x()));

        Files.writeString(file, csv.toString().replace("10,", "11,"));
        DataException e = assertThrows(DataException.class, () -> DataLoader.load(pinned, 3, 6));
        assertTrue(e.getMessage().startsWith(file + ": content changed since the sweep was planned (SHA-256 "), e.getMessage());
        assertTrue(e.getMessage().contains("planned " + fp.substring(0, 12)), e.getMessage());
        DataLoader.load(plain, 3, 6); // an identifier without a fingerprint (stored before they existed) still loads
    }
}
