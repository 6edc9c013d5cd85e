package org.sweep.driver.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;

/**
 * Runs a few Spark actions at the same time, one driver thread each, all in one job group, and waits
 * for every one. A table is written by one coalesced Spark task (one file per table), so writing a
 * wave's three tables one after another keeps a single core busy while the others idle; started
 * together, Spark schedules their tasks side by side.
 */
public final class ConcurrentJobs {
    private ConcurrentJobs() {
    }

    /** A Spark action that may throw. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Runs every action on its own thread in job group {@code groupId} and returns when all have ended.
     * The first failure (in the order of the actions) is rethrown: unchecked as it is, checked as an
     * IOException. An interrupt of the calling thread cancels the group's jobs.
     */
    public static void all(SparkContext sc, String groupId, String description, List<Action> actions)
            throws IOException {
        List<Thread> threads = new ArrayList<>();
        Throwable[] failures = new Throwable[actions.size()];
        for (int i = 0; i < actions.size(); i++) {
            Action a = actions.get(i);
            int slot = i;
            Thread t = new Thread(() -> {
                sc.setJobGroup(groupId, description, false);
                try {
                    a.run();
                } catch (Throwable e) {
                    failures[slot] = e;
                } finally {
                    sc.clearJobGroup();
                }
            }, "sweep-jobs-" + groupId + "-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sc.cancelJobGroup(groupId);
            throw new IOException("interrupted while running the jobs of " + description, e);
        }
        for (Throwable e : failures) {
            if (e == null) {
                continue;
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException(e);
        }
    }
}
