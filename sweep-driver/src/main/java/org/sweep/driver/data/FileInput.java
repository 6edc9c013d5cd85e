package org.sweep.driver.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opening data files: existence checks with clear messages and transparent gzip (detected by its magic bytes). */
final class FileInput {
    private FileInput() {
    }

    /** Checks that {@code path} names an existing, readable, non-empty regular file. */
    static Path requireFile(String path, String role) {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw new DataException(path + ": " + role + " does not exist");
        }
        if (!Files.isRegularFile(p)) {
            throw new DataException(path + ": " + role + " is not a regular file");
        }
        if (!Files.isReadable(p)) {
            throw new DataException(path + ": " + role + " is not readable");
        }
        try {
            if (Files.size(p) == 0) {
                throw new DataException(path + ": " + role + " is empty (0 bytes)");
            }
        } catch (IOException e) {
            throw new DataException(path + ": cannot read " + role + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** Opens a file for reading, decompressing it when it starts with the gzip magic bytes 1f 8b. */
    static InputStream open(Path p) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return raw;
    }
}
