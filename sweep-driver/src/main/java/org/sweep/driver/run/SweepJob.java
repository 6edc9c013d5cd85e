package org.sweep.driver.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.store.Compaction;
import org.sweep.driver.store.OutputLock;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.TableCheck;

/**
 * One {@code run} of a sweep on an output directory, in the order that keeps the tables exact:
 * take the lock, finish an interrupted compaction ({@link Compaction#finishPending}), recover what a
 * killed run left ({@link ResultStore#recover}), check the committed
 * waves against their records ({@link TableCheck}), repair the damaged waves of this sweep
 * ({@link ResultStore#repair}), then run the tasks not stored. {@link #open} does everything up to
 * the run before Spark starts, so a refused directory costs no Spark start-up; close releases the
 * lock.
 */
public final class SweepJob implements AutoCloseable {
    /** The directory cannot be run into (incompatible tables, data no commit record accounts for). */
    public static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message);
        }
    }

    private final ResultStore store;
    private final OutputLock lock;
    private final PrintStream err;

    private SweepJob(ResultStore store, OutputLock lock, PrintStream err) {
        this.store = store;
        this.lock = lock;
        this.err = err;
    }

    /** Creates the directory if needed, locks it, recovers, checks and repairs for {@code sweep}. */
    public static SweepJob open(ResultStore store, String sweep, PrintStream err)
            throws IOException, OutputLock.HeldException, RefusedException {
        store.init();
        OutputLock lock = store.lock();
        try {
            int finished = Compaction.finishPending(store);
            if (finished > 0) {
                err.println("sweep: completed an interrupted compaction (" + finished + " replaced waves removed)");
            }
            ResultStore.Recovery rec;
            try {
                rec = store.recover(sweep);
            } catch (ResultStore.UnprovenFilesException e) {
                throw new RefusedException(e.getMessage());
            }
            if (rec.quarantinedFiles() > 0) {
                err.println("sweep: moved " + rec.quarantinedFiles() + " file(s) of waves an interrupted run left"
                        + " uncommitted into " + rec.quarantine() + "; their tasks run again");
            }
            List<ResultStore.Damage> damage;
            try {
                damage = TableCheck.check(store);
            } catch (TableCheck.IncompatibleException e) {
                throw new RefusedException(e.getMessage());
            }
            List<ResultStore.Damage> repaired = store.repair(sweep, damage);
            for (ResultStore.Damage d : damage) {
                err.println("sweep: " + d.line() + (repaired.contains(d)
                        ? "; its files and record moved into " + store.quarantineDir() + ", its tasks run again"
                        : "; it is left out of the tables until a run of sweep " + d.sweep() + " repairs it"));
            }
            return new SweepJob(store, lock, err);
        } catch (IOException | RefusedException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public ResultStore store() {
        return store;
    }

    /** Runs the plan's tasks that are not stored. */
    public SweepRunner.Report run(SparkSession spark, SweepPlan plan, TaskFunction fn, String master, boolean tty)
            throws IOException {
        return run(spark, plan, fn, master, tty, SweepRunner.CommitHook.NONE);
    }

    /** The runner of this job's store, for callers that configure it further (e.g. packing). */
    public SweepRunner runner(SparkSession spark, TaskFunction fn, String master, boolean tty) {
        return new SweepRunner(spark, store, fn, master, err, tty);
    }

    SweepRunner.Report run(SparkSession spark, SweepPlan plan, TaskFunction fn, String master, boolean tty,
                           SweepRunner.CommitHook hook) throws IOException {
        return new SweepRunner(spark, store, fn, master, err, tty).withHook(hook).run(plan);
    }

    @Override
    public void close() {
        lock.close();
    }
}
