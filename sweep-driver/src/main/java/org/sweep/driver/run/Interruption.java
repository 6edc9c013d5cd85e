package org.sweep.driver.run;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import scala.runtime.BoxedUnit;

/**
 * What a run prints when Ctrl-C (SIGINT) or a plain kill (SIGTERM) stops it: one line,
 * "interrupted; N tasks stored; rerun to resume", instead of the stack traces of every Spark
 * component that notices the context going away. Runs as a Spark shutdown hook of higher priority
 * than the SparkContext's own, so logging is silenced before the context stops. Committed waves
 * are safe already; the wave in flight is recovered by the next run.
 */
public final class Interruption {
    /** Above SparkContext's shutdown priority (50): runs before the context is stopped. */
    static final int PRIORITY = 60;

    private static volatile boolean shuttingDown;

    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean fired = new AtomicBoolean();
    private final LongSupplier stored;
    private final PrintStream err;
    private final Object hook;

    private Interruption(LongSupplier stored, PrintStream err, boolean install) {
        this.stored = stored;
        this.err = err;
        this.hook = install ? org.apache.spark.util.ShutdownHookManager.addShutdownHook(PRIORITY,
                new scala.runtime.AbstractFunction0<BoxedUnit>() {
                    @Override
                    public BoxedUnit apply() {
                        onShutdown();
                        return BoxedUnit.UNIT;
                    }
                }) : null;
    }

    /** Installs the handler; {@code stored} tells how many tasks of the sweep are stored so far. */
    public static Interruption install(LongSupplier stored, PrintStream err) {
        return new Interruption(stored, err, true);
    }

    /** A handler that is not installed (tests call {@link #onShutdown()} themselves). */
    static Interruption detached(LongSupplier stored, PrintStream err) {
        return new Interruption(stored, err, false);
    }

    /** The run ended by itself: the hook does nothing and is removed. */
    public void finish() {
        finished.set(true);
        if (hook != null) {
            org.apache.spark.util.ShutdownHookManager.removeShutdownHook(hook);
        }
    }

    /** Whether the JVM is shutting down under a running sweep (the main thread's errors are noise then). */
    public static boolean shuttingDown() {
        return shuttingDown;
    }

    void onShutdown() {
        if (finished.get() || !fired.compareAndSet(false, true)) {
            return;
        }
        shuttingDown = true;
        try {
            Configurator.setRootLevel(Level.OFF);
            Configurator.setAllLevels("org.apache.spark", Level.OFF);
        } catch (RuntimeException | LinkageError e) {
            // another logging backend: the line below is printed all the same
        }
        err.println();
        err.println("sweep: interrupted; " + stored.getAsLong() + " tasks stored; rerun to resume");
        err.flush();
        if (hook != null) {
            // Threads that notice the pools going away print stack traces straight to System.err,
            // not through logging (Scala's default ExecutionContext reporter: RejectedExecutionException
            // from a pool shutting down). The line above went to the stream held here; the process's
            // System.err says nothing more.
            System.setErr(new PrintStream(OutputStream.nullOutputStream(), true));
        }
    }
}
