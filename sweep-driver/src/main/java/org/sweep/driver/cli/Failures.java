package org.sweep.driver.cli;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/**
 * One line for a runtime failure. A full disk reaches the driver wrapped in Spark's job and task
 * exceptions (often as text inside their messages); the cause chain is searched for it so the
 * user reads "no space left on device" rather than the outermost wrapper.
 */
final class Failures {
    private Failures() {
    }

    /** The text every JVM and Hadoop layer uses for ENOSPC. */
    static final String NO_SPACE = "no space left on device";

    /** A one-line description of {@code e} for {@code sweep: COMMAND failed: ...}. */
    static String describe(Throwable e) {
        Throwable noSpace = find(e, NO_SPACE);
        if (noSpace != null) {
            return "no space left on device (ENOSPC): free disk space (output directory, spark.local.dir, /tmp)"
                    + " and rerun to resume; committed waves are kept";
        }
        String s = String.valueOf(e);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The first throwable in the cause and suppressed chains of {@code e} whose message holds {@code text}. */
    static Throwable find(Throwable e, String text) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(e);
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains(text)) {
                return t;
            }
            // ArrayDeque holds no nulls: a chain ends where getCause() is null
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            Collections.addAll(todo, t.getSuppressed());
        }
        return null;
    }
}
