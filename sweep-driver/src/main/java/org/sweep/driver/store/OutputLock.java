package org.sweep.driver.store;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * The exclusive lock of an output directory: the file {@code OUT/_lock}, created atomically
 * ({@link Files#createFile}) and holding the owner's pid, host and start time. A second
 * {@code run} on the same directory is refused while the owner lives. A lock left by a process
 * that died (same host, pid no longer alive) is stale and taken over. A lock from another host
 * cannot be checked and is always respected; remove it by hand if that run is known to be gone.
 */
public final class OutputLock implements AutoCloseable {
    /** Raised when another live process holds the lock. */
    public static final class HeldException extends Exception {
        HeldException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final String token;
    private boolean released;

    private OutputLock(Path file, String token) {
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
    public static OutputLock acquire(Path outDir) throws IOException, HeldException {
        Path file = outDir.resolve("_lock");
        long pid = ProcessHandle.current().pid();
        String host = localHost();
        String token = "pid=" + pid + "\nhost=" + host + "\nstarted=" + Instant.now() + "\n";
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Files.createFile(file);
                Files.writeString(file, token, StandardCharsets.UTF_8);
                return new OutputLock(file, token);
            } catch (FileAlreadyExistsException e) {
                Properties owner = read(file);
                if (owner == null) {
                    continue; // removed meanwhile: try again
                }
                String ownerHost = owner.getProperty("host", "?");
                String ownerPid = owner.getProperty("pid", "?");
                String since = owner.getProperty("started", "?");
                boolean sameHost = ownerHost.equals(host);
                boolean alive = true;
                if (sameHost) {
                    try {
                        alive = ProcessHandle.of(Long.parseLong(ownerPid.trim())).map(ProcessHandle::isAlive)
                                .orElse(false);
                    } catch (NumberFormatException nfe) {
                        // A lock written half-way (the owner died between create and write) has no pid:
                        // treat it as stale only when it is older than a minute.
                        alive = Files.getLastModifiedTime(file).toMillis() > System.currentTimeMillis() - 60_000;
                    }
                }
                if (alive) {
                    throw new HeldException("output directory " + outDir + " is in use by another sweep run (pid "
                            + ownerPid + " on " + ownerHost + " since " + since + "); wait for it to finish, or"
                            + " delete " + file + " if that process is known to be gone");
                }
                // Stale: the owner died on this host. Remove and retry the atomic create (another
                // starter racing for the same stale lock loses at createFile).
                Files.deleteIfExists(file);
                System.err.println("sweep: taking over the stale lock of dead process " + ownerPid + " (" + file + ")");
            }
        }
        throw new HeldException("could not take the lock " + file + " (it keeps changing); is another run starting?");
    }

    private static Properties read(Path file) throws IOException {
        try {
            Properties p = new Properties();
            p.load(new java.io.StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            return p;
        } catch (NoSuchFileException e) {
            return null;
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
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(token)) {
                Files.delete(file);
            }
        } catch (IOException e) {
            System.err.println("sweep: could not remove lock " + file + ": " + e.getMessage());
        }
    }
}
