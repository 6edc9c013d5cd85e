package org.sweep.driver.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Where the seconds of a command go, printed to stderr when the system property {@code sweep.timing}
 * is true (bin/sweep: {@code SWEEP_JAVA_OPTS=-Dsweep.timing=true}): the JVM's own start up to
 * {@code main}, then each named phase.
 */
final class Timing {
    static final boolean ON = Boolean.getBoolean("sweep.timing");
    private static long last = System.nanoTime();
    private static boolean first = true;

    private Timing() {
    }

    /** Records the end of a phase. */
    static void mark(PrintStream err, String phase) {
        if (!ON) {
            return;
        }
        long now = System.nanoTime();
        if (first) {
            first = false;
            long sinceStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            err.printf(Locale.ROOT, "timing: JVM start to %s %.2f s%n", phase, sinceStart / 1e3);
        } else {
            err.printf(Locale.ROOT, "timing: %s %.2f s%n", phase, (now - last) / 1e9);
        }
        last = now;
    }
}
