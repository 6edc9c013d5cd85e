package org.sweep.worker;

/**
 * The one public entry point of the numerical core: a task spec in, a result out.
 * Pure Java: no Spark, no Hadoop, no I/O. Thread-safe; results depend only on the spec.
 */
public final class SweepWorker {
    private SweepWorker() {
    }

    /** Runs a task on generated data ({@code dataKind = sphere}). Never throws: failures become FAILED results. */
    public static TaskResult run(TaskSpec spec) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Runs a task on supplied rows (the first {@code spec.n()} rows of {@code data}). Never throws. */
    public static TaskResult run(TaskSpec spec, Dataset data) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Peak bytes one task needs: about 8 (n m + m d + 3 n^2) plus the spectra's workspace. */
    public static long estimateBytes(TaskSpec spec) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Estimated floating-point operations of a task (for cost ordering and plan output). */
    public static double estimateFlops(TaskSpec spec) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
