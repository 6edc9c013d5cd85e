package org.sweep.worker;

import java.util.Locale;

/** Outcome of one task. Failure is data: a task never throws past {@link SweepWorker#run}. */
public enum Status {
    /** Training ran to the step budget or the loss target. */
    OK,
    /** Loss became non-finite or exceeded 1e6 * L(0); training stopped at once, statistics so far kept. */
    DIVERGED,
    /** An exception was raised; its message is kept in the result. */
    FAILED;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
