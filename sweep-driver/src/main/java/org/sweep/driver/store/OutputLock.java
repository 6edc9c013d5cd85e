package org.sweep.driver.store;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;
import org.apache.hadoop.fs.Path;

/**
 * The exclusive lock of an output directory: the file {@code OUT/_lock}, created atomically
 * ({@code CREATE_NEW} locally, {@code create(overwrite=false)} on a Hadoop file system) and holding the owner's pid, host and start time. A second {@code run} on the
 * same directory is refused while the owner lives. A lock from another host cannot be checked and is
 * always respected; remove it by hand if that run is known to be gone.
 *
 * <h2>Stale locks</h2>
 * A lock is stale when its owner is a process of this host that is no longer alive, or when it has
 * no valid owner (empty or garbled, e.g. left by a full disk or a process killed between creating
 * and writing it) and was last modified more than {@link #UNOWNED_GRACE_MILLIS} ago; a younger
 * unowned lock is treated as held (its writer may still be writing it).
 *
 * <h2>Atomic takeover</h2>
 * Reading a stale lock, deleting it and creating a new one is not atomic: two starters that both
 * read the same stale lock would both delete and create, and both run. A takeover is therefore
 * serialised by a claim file named after the stale lock's identity (a hash of its bytes, size and
 * modification time), {@code _lock.takeover-<hash>}, created with {@code CREATE_NEW}: exactly one
 * starter creates it. That starter re-reads the lock, and only when it is still the very lock judged
 * stale deletes it, creates its own lock with {@code CREATE_NEW} (which a fresh starter may win
 * instead; then the taker sees a live owner) and removes the claim. The others find the claim
 * taken, wait, and look at the lock again: they find the new live owner and are refused. A claim
 * left by a taker that died (older than {@link #UNOWNED_GRACE_MILLIS}) is passed over by claiming
 * the next generation, {@code _lock.takeover-<hash>.2}, and so on.
 */
public final class OutputLock implements AutoCloseable {
    /** How long a lock file without a valid owner counts as held (its writer may be slow). */
    public static final long UNOWNED_GRACE_MILLIS = 60_000;
    /** Claim generations tried before giving up on a stale lock. */
    private static final int CLAIM_GENERATIONS = 8;
    /** Attempts of the whole acquire loop. */
    private static final int ATTEMPTS = 50;
    /** Wait between attempts while another starter takes a stale lock over. */
    private static final long RETRY_MILLIS = 50;

    /** Raised when another live process holds the lock. */
    public static final class HeldException extends Exception {
        HeldException(String message) {
            super(message);
        }
    }

    /** Called at the steps of a takeover; tests use it to hold one starter inside the race window. */
    interface TakeoverHook {
        void at(String step);

        TakeoverHook NONE = step -> { };
    }

    private final StoreFs fs;
    private final Path file;
    private final String token;
    private boolean released;

    private OutputLock(StoreFs fs, Path file, String token) {
        this.fs = fs;
        this.file = file;
        this.token = token;
    }

    public static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * Takes the lock of {@code outDir}.
     *
     * @return the lock; release it with {@link #close()}
     * @throws HeldException when a live process (or one on another host) holds it
     */
    public static OutputLock acquire(java.nio.file.Path outDir) throws IOException, HeldException {
        return acquire(outDir, TakeoverHook.NONE, System.err);
    }

    static OutputLock acquire(java.nio.file.Path outDir, TakeoverHook hook, java.io.PrintStream err)
            throws IOException, HeldException {
        return acquire(new StoreFs.Local(), new Path(outDir.toAbsolutePath().normalize().toString()), hook, err);
    }

    static OutputLock acquire(StoreFs fs, Path outDir, TakeoverHook hook, java.io.PrintStream err)
            throws IOException, HeldException {
        Path file = new Path(outDir, "_lock");
        long pid = ProcessHandle.current().pid();
        String host = localHost();
        String token = "pid=" + pid + "\nhost=" + host + "\nstarted=" + Instant.now() + "\n";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (fs.createNew(file, token.getBytes(StandardCharsets.UTF_8))) {
                return new OutputLock(fs, file, token);
            }
            Snapshot seen = Snapshot.read(fs, file);
            if (seen == null) {
                continue; // removed meanwhile: try again
            }
            String stale = seen.staleReason(host);
            if (stale == null) {
                throw new HeldException(seen.heldMessage(outDir, file));
            }
            Path claim = claim(fs, outDir, seen);
            if (claim == null) {
                // Another starter is taking this stale lock over: wait and look again.
                sleep();
                continue;
            }
            try {
                hook.at("claimed");
                Snapshot now = Snapshot.read(fs, file);
                if (now == null || !now.sameAs(seen)) {
                    continue; // changed under us: someone else took it or released it
                }
                fs.delete(file);
                hook.at("deleted");
                if (fs.createNew(file, token.getBytes(StandardCharsets.UTF_8))) {
                    err.println("sweep: took over the stale lock " + file + " (" + stale + ")");
                    return new OutputLock(fs, file, token);
                }
                // A fresh starter created the lock in between: the next round sees it alive.
            } finally {
                fs.delete(claim);
            }
        }
        throw new HeldException("could not take the lock " + file + " (it keeps changing); is another run starting?");
    }

    /** The name of the first-generation takeover claim of the lock file as it is now (tests). */
    static String claimName(java.nio.file.Path lockFile) throws IOException {
        return "_lock.takeover-" + Snapshot.read(new StoreFs.Local(), new Path(lockFile.toString())).identity();
    }

    /** Creates the takeover claim of a stale lock; null when another live claim exists. */
    private static Path claim(StoreFs fs, Path outDir, Snapshot stale) throws IOException {
        String base = "_lock.takeover-" + stale.identity();
        for (int gen = 1; gen <= CLAIM_GENERATIONS; gen++) {
            Path claim = new Path(outDir, gen == 1 ? base : base + "." + gen);
            if (fs.createNew(claim, ("pid=" + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8))) {
                return claim;
            }
            long mtime = fs.mtime(claim);
            if (mtime < 0) {
                return null; // the taker just finished
            }
            if (System.currentTimeMillis() - mtime <= UNOWNED_GRACE_MILLIS) {
                return null; // a taker is at work
            }
            // an abandoned claim (its taker died mid-takeover): try the next generation
        }
        return null;
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a lock file held when read: bytes and modification time. */
    private record Snapshot(byte[] bytes, long mtime) {
        static Snapshot read(StoreFs fs, Path file) throws IOException {
            long mtime = fs.mtime(file);
            byte[] bytes = mtime < 0 ? null : fs.readOrNull(file);
            return bytes == null ? null : new Snapshot(bytes, mtime);
        }

        boolean sameAs(Snapshot o) {
            return mtime == o.mtime && java.util.Arrays.equals(bytes, o.bytes);
        }

        String identity() {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(bytes);
                md.update(("\n" + mtime + "\n" + bytes.length).getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(md.digest(), 0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The owner's properties when the lock names a pid, a host and a start time; else null. */
        Properties owner() {
            Properties p = new Properties();
            try {
                p.load(new java.io.StringReader(text()));
            } catch (IOException | IllegalArgumentException e) {
                return null;
            }
            String pid = p.getProperty("pid", "").trim();
            String host = p.getProperty("host", "").trim();
            String started = p.getProperty("started", "").trim();
            if (!pid.matches("\\d{1,18}") || host.isEmpty() || started.isEmpty()) {
                return null;
            }
            return p;
        }

        long ageMillis() {
            return System.currentTimeMillis() - mtime;
        }

        /** Why this lock is stale, or null when it counts as held. */
        String staleReason(String localHost) {
            Properties owner = owner();
            if (owner == null) {
                return ageMillis() > UNOWNED_GRACE_MILLIS
                        ? "it names no valid owner and is " + ageMillis() / 1000 + " s old" : null;
            }
            if (!owner.getProperty("host").trim().equals(localHost)) {
                return null;
            }
            long pid = Long.parseLong(owner.getProperty("pid").trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? null : "process " + pid + " is gone";
        }

        String heldMessage(Path outDir, Path file) {
            Properties owner = owner();
            if (owner == null) {
                String shown = text().length() > 80 ? text().substring(0, 80) + "..." : text();
                return "output directory " + outDir + " is locked by " + file + ", which names no valid owner"
                        + " (" + (bytes.length == 0 ? "it is empty" : "it holds '" + shown.replace("\n", "\\n") + "'")
                        + ") and was written " + ageMillis() / 1000 + " s ago; it counts as held until it is "
                        + UNOWNED_GRACE_MILLIS / 1000 + " s old (a run may be starting), then it is taken over";
            }
            return "output directory " + outDir + " is in use by another sweep run (pid "
                    + owner.getProperty("pid").trim() + " on " + owner.getProperty("host").trim() + " since "
                    + owner.getProperty("started").trim() + "); wait for it to finish, or delete " + file
                    + " if that process is known to be gone";
        }
    }

    /** Removes the lock file if it is still ours. Idempotent. */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            byte[] now = fs.readOrNull(file);
            if (now != null && new String(now, StandardCharsets.UTF_8).equals(token)) {
                fs.delete(file);
            }
        } catch (IOException e) {
            System.err.println("sweep: could not remove lock " + file + ": " + e.getMessage());
        }
    }
}
