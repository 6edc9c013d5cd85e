package org.sweep.driver.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLockTest {
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

    @Test
    void staleLockOfADeadProcessIsTakenOver(@TempDir Path out) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long deadPid = p.pid();
        Files.writeString(out.resolve("_lock"), "pid=" + deadPid + "\nhost=" + OutputLock.localHost()
                + "\nstarted=2020-01-01T00:00:00Z\n");
        try (OutputLock lock = OutputLock.acquire(out)) {
            assertTrue(Files.readString(out.resolve("_lock")).contains("pid=" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void lockFromAnotherHostIsRespected(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("_lock"), "pid=1\nhost=some-other-host.invalid\nstarted=2020-01-01T00:00:00Z\n");
        OutputLock.HeldException e = assertThrows(OutputLock.HeldException.class, () -> OutputLock.acquire(out));
        assertTrue(e.getMessage().contains("some-other-host.invalid"), e.getMessage());
        assertTrue(Files.exists(out.resolve("_lock")), "a foreign lock is never removed");
    }
}
