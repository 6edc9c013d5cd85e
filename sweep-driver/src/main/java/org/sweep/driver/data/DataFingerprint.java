package org.sweep.driver.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The content fingerprint of a supplied dataset: SHA-256 of the bytes of its file(s), as 64 lower-case
 * hex digits. It identifies the data independently of the path that names it, so an edited file at
 * the same path gets a new fingerprint (and its tasks new ids), and a copy at another path the same one.
 *
 * <p>The bytes, not the loaded rows, are hashed: one streaming pass at plan time (about a second per
 * GB), without parsing, for every format alike, and independent of how the loader normalizes or
 * filters rows (a change there must not silently re-identify stored data). A change that keeps the
 * rows (re-compressing, reformatting a CSV) therefore counts as new data: the tasks run again once,
 * which is never wrong, while treating two different files as the same data would be.
 * <ul>
 *   <li>CSV, a Parquet file: SHA-256 of the file's bytes (what {@code sha256sum FILE} prints);</li>
 *   <li>IDX: SHA-256 of the images file's bytes followed by the labels file's bytes
 *       ({@code cat IMAGES LABELS | sha256sum}; each file's header fixes its length);</li>
 *   <li>a Parquet folder: SHA-256 over its data files (every regular file below it whose path has no
 *       component starting with {@code _} or {@code .}, as Spark reads them) in order of their relative
 *       path, each contributing its relative path with {@code /} separators in UTF-8, a zero byte,
 *       its length as 8 bytes big-endian and its bytes (the names count: partition folders hold values).</li>
 * </ul>
 * A missing or unreadable file is a {@link DataException} with the same text the readers give.
 */
public final class DataFingerprint {
    private DataFingerprint() {
    }

    private static final int BUFFER_BYTES = 1 << 20;

    /** The fingerprint of the file(s) {@code src} names (its own {@code sha256} is ignored). */
    public static String of(DataSource src) {
        MessageDigest sha = sha256();
        switch (src.format()) {
            case IDX -> {
                Path images = FileInput.requireFile(src.path(), "IDX images file");
                Path labels = FileInput.requireFile(src.labelsPath(), "IDX labels file");
                update(sha, images, "IDX images file");
                update(sha, labels, "IDX labels file");
            }
            case CSV -> update(sha, FileInput.requireFile(src.path(), "CSV file"), "CSV file");
            case PARQUET -> {
                Path p = Path.of(src.path());
                if (!Files.exists(p)) {
                    throw new DataException(src.path() + ": Parquet file does not exist");
                }
                if (Files.isDirectory(p)) {
                    for (Path f : dataFiles(p, src.path())) {
                        String rel = p.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                        sha.update(rel.getBytes(StandardCharsets.UTF_8));
                        sha.update((byte) 0);
                        try {
                            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(Files.size(f)).array());
                        } catch (IOException e) {
                            throw new DataException(f + ": cannot read Parquet file: " + e.getMessage(), e);
                        }
                        update(sha, f, "Parquet file");
                    }
                } else {
                    update(sha, FileInput.requireFile(src.path(), "Parquet file"), "Parquet file");
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Regular files below {@code dir} that Spark reads as data (no path component starting with _ or .), sorted. */
    private static List<Path> dataFiles(Path dir, String name) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(f -> visible(dir.relativize(f))).forEach(out::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException(name + ": cannot list Parquet folder: " + e.getMessage(), e);
        }
        out.sort((a, b) -> dir.relativize(a).toString().replace('\\', '/')
                .compareTo(dir.relativize(b).toString().replace('\\', '/')));
        return out;
    }

    private static boolean visible(Path relative) {
        for (Path part : relative) {
            String s = part.toString();
            if (s.startsWith("_") || s.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private static void update(MessageDigest sha, Path file, String role) {
        byte[] buf = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                sha.update(buf, 0, r);
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read " + role + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
