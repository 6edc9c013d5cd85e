package org.sweep.driver.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The file operations of the store's protocol (lock, staging, renames, records, quarantine) on one
 * file system. Locations are Hadoop {@link Path}s, so that Spark reads and writes the same strings.
 *
 * <ul>
 *   <li>{@link Local}: a plain path (no scheme) is served by java.nio, exactly as before the store
 *       spoke Hadoop: create-new and rename are atomic POSIX operations, and it costs no Hadoop
 *       file system instance.</li>
 *   <li>{@link Hadoop}: any URI ({@code file://}, {@code hdfs://}, {@code s3a://}) goes through
 *       {@link FileSystem}. On HDFS, {@code create(overwrite=false)} and {@code rename} are atomic
 *       NameNode operations, so the protocol keeps every guarantee. On s3a a rename is a copy and a
 *       delete, and create-new is only as exclusive as the store's conditional writes: there the
 *       commit record is the commit (a reader that goes through the views sees a wave whole or not
 *       at all), a half-moved wave is cleaned by recovery as on any file system, but two runs that
 *       start at the same moment can both get the lock. See the README.</li>
 * </ul>
 */
abstract class StoreFs {
    /** Child of a location. */
    static Path child(Path parent, String name) {
        return new Path(parent, name);
    }

    /** The file system of {@code location}: java.nio for a plain path, Hadoop for a URI with a scheme. */
    static StoreFs of(Path location, Configuration conf) throws IOException {
        URI uri = location.toUri();
        if (uri.getScheme() == null) {
            return new Local();
        }
        if (uri.getScheme().equals("file")) {
            // The raw local file system: no .crc side files for the store's own small files.
            return new Hadoop(FileSystem.getLocal(conf).getRawFileSystem(), true);
        }
        return new Hadoop(location.getFileSystem(conf), false);
    }

    abstract boolean exists(Path p) throws IOException;

    abstract boolean isDirectory(Path p) throws IOException;

    /** Names of the entries of a folder (empty when it does not exist). */
    abstract List<String> list(Path dir) throws IOException;

    abstract void mkdirs(Path dir) throws IOException;

    /** Creates {@code file} holding {@code bytes} unless it exists; true when this call created it. */
    abstract boolean createNew(Path file, byte[] bytes) throws IOException;

    /** The bytes of a file, or null when it does not exist. */
    abstract byte[] readOrNull(Path file) throws IOException;

    /** Modification time in ms, or -1 when the file does not exist. */
    abstract long mtime(Path file) throws IOException;

    /** Renames; the target must not exist. */
    abstract void rename(Path from, Path to) throws IOException;

    /** Renames, replacing an existing target (atomically where the file system allows). */
    abstract void replace(Path from, Path to) throws IOException;

    /** Deletes a file if it exists. */
    abstract void delete(Path file) throws IOException;

    /** Deletes a folder and everything in it (nothing when it does not exist). */
    abstract void deleteTree(Path dir) throws IOException;

    /** Size of a file in bytes. */
    abstract long size(Path file) throws IOException;

    /** Whether the location can be written (created if needed). */
    abstract boolean writable(Path dir) throws IOException;

    /**
     * One line "path size mtime" per file anywhere below {@code dir}, sorted (empty when it does
     * not exist): what changes when a file there is added, removed, replaced or rewritten.
     */
    abstract List<String> fileLines(Path dir) throws IOException;

    /** Writes a small file atomically: a temp file beside it, then {@link #replace}. */
    void writeAtomic(Path file, String text) throws IOException {
        Path tmp = new Path(file.getParent(), file.getName() + ".tmp");
        delete(tmp);
        if (!createNew(tmp, text.getBytes(StandardCharsets.UTF_8))) {
            throw new IOException("cannot write " + tmp);
        }
        replace(tmp, file);
    }

    /** java.nio on a plain local path. */
    static final class Local extends StoreFs {
        static java.nio.file.Path nio(Path p) {
            return java.nio.file.Path.of(p.toUri().getPath());
        }

        @Override
        boolean exists(Path p) {
            return Files.exists(nio(p));
        }

        @Override
        boolean isDirectory(Path p) {
            return Files.isDirectory(nio(p));
        }

        @Override
        List<String> list(Path dir) throws IOException {
            List<String> names = new ArrayList<>();
            if (!Files.isDirectory(nio(dir))) {
                return names;
            }
            try (Stream<java.nio.file.Path> s = Files.list(nio(dir))) {
                s.forEach(p -> names.add(p.getFileName().toString()));
            }
            return names;
        }

        @Override
        void mkdirs(Path dir) throws IOException {
            Files.createDirectories(nio(dir));
        }

        @Override
        boolean createNew(Path file, byte[] bytes) throws IOException {
            try {
                Files.write(nio(file), bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }

        @Override
        byte[] readOrNull(Path file) throws IOException {
            try {
                return Files.readAllBytes(nio(file));
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        @Override
        long mtime(Path file) throws IOException {
            try {
                return Files.getLastModifiedTime(nio(file)).toMillis();
            } catch (NoSuchFileException e) {
                return -1;
            }
        }

        @Override
        void rename(Path from, Path to) throws IOException {
            Files.move(nio(from), nio(to), StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        void replace(Path from, Path to) throws IOException {
            try {
                Files.move(nio(from), nio(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(nio(from), nio(to), StandardCopyOption.REPLACE_EXISTING);
            }
        }

        @Override
        void delete(Path file) throws IOException {
            Files.deleteIfExists(nio(file));
        }

        @Override
        void deleteTree(Path dir) throws IOException {
            java.nio.file.Path root = nio(dir);
            if (!Files.exists(root)) {
                return;
            }
            try (Stream<java.nio.file.Path> walk = Files.walk(root)) {
                for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }

        @Override
        long size(Path file) throws IOException {
            return Files.size(nio(file));
        }

        @Override
        boolean writable(Path dir) {
            return Files.isWritable(nio(dir));
        }

        @Override
        List<String> fileLines(Path dir) throws IOException {
            List<String> lines = new ArrayList<>();
            java.nio.file.Path root = nio(dir);
            if (!Files.isDirectory(root)) {
                return lines;
            }
            try (Stream<java.nio.file.Path> walk = Files.walk(root)) {
                for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) walk.sorted()::iterator) {
                    if (Files.isRegularFile(p)) {
                        lines.add(p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
                    }
                }
            }
            return lines;
        }
    }

    /** Any Hadoop file system. */
    static final class Hadoop extends StoreFs {
        private final FileSystem fs;
        /** file:// locations: create-new goes through java.nio (Hadoop's local create checks, then creates). */
        private final boolean local;

        Hadoop(FileSystem fs, boolean local) {
            this.fs = fs;
            this.local = local;
        }

        @Override
        boolean exists(Path p) throws IOException {
            return fs.exists(p);
        }

        @Override
        boolean isDirectory(Path p) throws IOException {
            try {
                return fs.getFileStatus(p).isDirectory();
            } catch (FileNotFoundException e) {
                return false;
            }
        }

        @Override
        List<String> list(Path dir) throws IOException {
            List<String> names = new ArrayList<>();
            try {
                for (FileStatus st : fs.listStatus(dir)) {
                    names.add(st.getPath().getName());
                }
            } catch (FileNotFoundException e) {
                // no folder: no entries
            }
            return names;
        }

        @Override
        void mkdirs(Path dir) throws IOException {
            if (!fs.mkdirs(dir)) {
                throw new IOException("cannot create folder " + dir);
            }
        }

        @Override
        boolean createNew(Path file, byte[] bytes) throws IOException {
            if (local) {
                return new Local().createNew(file, bytes);
            }
            OutputStream os;
            try {
                os = fs.create(file, false);
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                return false;
            } catch (IOException e) {
                if (fs.exists(file)) {
                    return false; // some file systems report an existing file as a plain IOException
                }
                throw e;
            }
            try (os) {
                os.write(bytes);
            }
            return true;
        }

        @Override
        byte[] readOrNull(Path file) throws IOException {
            try (var in = fs.open(file)) {
                return in.readAllBytes();
            } catch (FileNotFoundException e) {
                return null;
            }
        }

        @Override
        long mtime(Path file) throws IOException {
            try {
                return fs.getFileStatus(file).getModificationTime();
            } catch (FileNotFoundException e) {
                return -1;
            }
        }

        @Override
        void rename(Path from, Path to) throws IOException {
            if (fs.exists(to)) {
                throw new org.apache.hadoop.fs.FileAlreadyExistsException(to.toString());
            }
            if (!fs.rename(from, to)) {
                throw new IOException("cannot rename " + from + " to " + to);
            }
        }

        @Override
        void replace(Path from, Path to) throws IOException {
            // FileContext's rename with OVERWRITE is one atomic NameNode operation on HDFS; the
            // local and object-store file systems implement it as delete-then-rename.
            org.apache.hadoop.fs.FileContext fc = org.apache.hadoop.fs.FileContext.getFileContext(fs.getUri(), fs.getConf());
            fc.rename(from, to, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
        }

        @Override
        void delete(Path file) throws IOException {
            fs.delete(file, false);
        }

        @Override
        void deleteTree(Path dir) throws IOException {
            fs.delete(dir, true);
        }

        @Override
        long size(Path file) throws IOException {
            return fs.getFileStatus(file).getLen();
        }

        @Override
        boolean writable(Path dir) throws IOException {
            return fs.exists(dir) && fs.getFileStatus(dir).isDirectory();
        }

        @Override
        List<String> fileLines(Path dir) throws IOException {
            List<String> lines = new ArrayList<>();
            try {
                org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(dir, true);
                while (it.hasNext()) {
                    FileStatus st = it.next();
                    lines.add(st.getPath() + " " + st.getLen() + " " + st.getModificationTime());
                }
            } catch (FileNotFoundException e) {
                // no folder: no files
            }
            lines.sort(null);
            return lines;
        }
    }
}
