package org.sweep.driver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLockTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void secondAcquireIsRefusedWhileTheOwnerLives(@TempDir Path out) throws Exception {
        try (OutputLock first = OutputLock.acquire(out)) {
            OutputLock.HeldException e = assertThrows(OutputLock.HeldException.class, () -> OutputLock.acquire(out));
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("in use by another sweep run"), e.getMessage());
        }
        assertFalse(Files.exists(out.resolve("_lock")), "released on close");
        try (OutputLock again = OutputLock.acquire(out)) {
            assertTrue(Files.exists(out.resolve("_lock")));
        }
    }

    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    static void writeDeadLock(Path out, long deadPid) throws Exception {
        Files.writeString(out.resolve("_lock"), "pid=" + deadPid + "\nhost=" + OutputLock.localHost()
                + "\nstarted=2020-01-01T00:00:00Z\n");
    }

    @Test
    void staleLockOfADeadProcessIsTakenOver(@TempDir Path out) throws Exception {
        writeDeadLock(out, deadPid());
        try (OutputLock lock = OutputLock.acquire(out)) {
            assertTrue(Files.readString(out.resolve("_lock")).contains("pid=" + ProcessHandle.current().pid()));
        }
        try (var s = Files.list(out)) {
            assertEquals(List.of(), s.toList(), "no lock and no takeover claim left behind");
        }
    }

    @Test
    void lockFromAnotherHostIsRespected(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("_lock"), "pid=1\nhost=some-other-host.invalid\nstarted=2020-01-01T00:00:00Z\n");
        OutputLock.HeldException e = assertThrows(OutputLock.HeldException.class, () -> OutputLock.acquire(out));
        assertTrue(e.getMessage().contains("some-other-host.invalid"), e.getMessage());
        assertTrue(Files.exists(out.resolve("_lock")), "a foreign lock is never removed");
    }

    /**
     * Many starters that all find the same dead-pid lock: exactly one of them gets the lock, in every
     * round. (Read, check, delete, create without a claim lets two of them delete and create in turn.)
     */
    @Test
    void racingTakeoversOfOneStaleLockHaveExactlyOneWinner(@TempDir Path root) throws Exception {
        race(root, out -> OutputLock.acquire(out, OutputLock.TakeoverHook.NONE, QUIET));
    }

    /** The same through the Hadoop FileSystem API on a file:// URI. */
    @Test
    void racingTakeoversThroughTheHadoopFileSystemApiHaveExactlyOneWinner(@TempDir Path root) throws Exception {
        StoreFs fs = StoreFs.of(new org.apache.hadoop.fs.Path(root.toUri()),
                new org.apache.hadoop.conf.Configuration(false));
        assertTrue(fs instanceof StoreFs.Hadoop);
        race(root, out -> OutputLock.acquire(fs, new org.apache.hadoop.fs.Path(out.toUri()),
                OutputLock.TakeoverHook.NONE, QUIET));
    }

    interface Acquire {
        OutputLock at(Path out) throws Exception;
    }

    private static void race(Path root, Acquire acquire) throws Exception {
        long dead = deadPid();
        int starters = 8;
        int rounds = 150;
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        try {
            for (int round = 0; round < rounds; round++) {
                Path out = Files.createDirectory(root.resolve("r" + round));
                writeDeadLock(out, dead);
                CyclicBarrier start = new CyclicBarrier(starters);
                List<Future<OutputLock>> tries = new ArrayList<>();
                for (int i = 0; i < starters; i++) {
                    tries.add(pool.submit(() -> {
                        start.await();
                        try {
                            return acquire.at(out);
                        } catch (OutputLock.HeldException e) {
                            return null;
                        }
                    }));
                }
                List<OutputLock> winners = new ArrayList<>();
                for (Future<OutputLock> f : tries) {
                    OutputLock l = f.get(30, TimeUnit.SECONDS);
                    if (l != null) {
                        winners.add(l);
                    }
                }
                assertEquals(1, winners.size(), "starters holding the lock in round " + round);
                winners.get(0).close();
                assertFalse(Files.exists(out.resolve("_lock")), "released");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A starter paused inside its takeover (claim taken, stale lock not yet deleted) while a second
     * starter finds the same stale lock: the second waits for the claim and is then refused, it never
     * deletes the lock the first one creates.
     */
    @Test
    void aSecondStarterWaitsForTheClaimAndFindsTheNewOwner(@TempDir Path out) throws Exception {
        writeDeadLock(out, deadPid());
        java.util.concurrent.CountDownLatch claimed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<OutputLock> first = pool.submit(() -> OutputLock.acquire(out, step -> {
                if (step.equals("claimed")) {
                    claimed.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, QUIET));
            assertTrue(claimed.await(30, TimeUnit.SECONDS));
            // The second starter sees the stale lock and the live claim; let the first finish soon.
            new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                go.countDown();
            }).start();
            OutputLock.HeldException e = assertThrows(OutputLock.HeldException.class,
                    () -> OutputLock.acquire(out, OutputLock.TakeoverHook.NONE, QUIET));
            // Refused either way: it finds the new owner's lock, or that lock just created and not yet
            // written (empty: held while young).
            assertTrue(e.getMessage().contains("in use by another sweep run")
                    || e.getMessage().contains("names no valid owner (it is empty)"), e.getMessage());
            try (OutputLock won = first.get(30, TimeUnit.SECONDS)) {
                assertTrue(Files.readString(out.resolve("_lock")).contains("pid=" + ProcessHandle.current().pid()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void emptyOrGarbledLockIsHeldForAMinuteThenStale(@TempDir Path out) throws Exception {
        Path lock = out.resolve("_lock");
        for (String content : new String[] {"", "\0\0\0garbage", "pid=\nhost=\n", "pid=12x\nhost=h\nstarted=t\n"}) {
            Files.writeString(lock, content);
            OutputLock.HeldException e = assertThrows(OutputLock.HeldException.class, () -> OutputLock.acquire(out),
                    "fresh unowned lock " + content);
            assertTrue(e.getMessage().contains("names no valid owner"), e.getMessage());
            assertTrue(e.getMessage().contains(content.isEmpty() ? "it is empty"
                    : "it holds '" + content.replace("\n", "\\n")), e.getMessage());
            // Last written two minutes ago: stale, taken over.
            Files.setLastModifiedTime(lock, FileTime.fromMillis(System.currentTimeMillis()
                    - 2 * OutputLock.UNOWNED_GRACE_MILLIS));
            try (OutputLock taken = OutputLock.acquire(out, OutputLock.TakeoverHook.NONE, QUIET)) {
                assertTrue(Files.readString(lock).contains("pid=" + ProcessHandle.current().pid()));
            }
            assertFalse(Files.exists(lock));
        }
    }

    @Test
    void anAbandonedClaimDoesNotBlockTheTakeover(@TempDir Path out) throws Exception {
        writeDeadLock(out, deadPid());
        // A taker that died right after claiming left its claim; while the claim is young others wait
        // (and give up), once it is over a minute old the next generation of the claim is used.
        Path claim = out.resolve(OutputLock.claimName(out.resolve("_lock")));
        Files.writeString(claim, "pid=1\n");
        OutputLock.HeldException e = assertThrows(OutputLock.HeldException.class,
                () -> OutputLock.acquire(out, OutputLock.TakeoverHook.NONE, QUIET));
        assertTrue(e.getMessage().contains("keeps changing"), e.getMessage());
        Files.setLastModifiedTime(claim, FileTime.fromMillis(System.currentTimeMillis()
                - 2 * OutputLock.UNOWNED_GRACE_MILLIS));
        try (OutputLock taken = OutputLock.acquire(out, OutputLock.TakeoverHook.NONE, QUIET)) {
            assertTrue(Files.readString(out.resolve("_lock")).contains("pid=" + ProcessHandle.current().pid()));
        }
    }
}
