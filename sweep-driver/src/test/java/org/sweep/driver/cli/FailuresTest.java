package org.sweep.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    static final String NO_SPACE_LINE = "no space left on device (ENOSPC): free disk space (output directory,"
            + " spark.local.dir, /tmp) and rerun to resume; committed waves are kept";

    @Test
    void fullDiskIsFoundAnywhereInTheCauseChain() {
        // As a write job fails on an executor: the IOException is the cause of a task failure, itself
        // wrapped by the job's SparkException, whose own message quotes the executor's stack trace.
        IOException enospc = new IOException("No space left on device");
        Exception task = new RuntimeException("Task failed while writing rows to file:/out/runs", enospc);
        SparkException job = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 4 times,"
                + " most recent failure: ...", task);
        assertSame(enospc, Failures.find(job, Failures.NO_SPACE));
        assertEquals(NO_SPACE_LINE, Failures.describe(new RuntimeException("wrapper", job)));
        // Only in the text of a remote failure (no Java cause): found as well.
        SparkException remote = new SparkException("Job aborted: org.apache.spark.SparkException: Task failed\n"
                + "Caused by: java.io.IOException: No space left on device\n\tat java.base/...");
        assertEquals(NO_SPACE_LINE, Failures.describe(remote));
        // As a suppressed exception of a close().
        Exception closing = new IOException("stream closed");
        closing.addSuppressed(new java.nio.file.FileSystemException("/out/_commits/w3", null, "No space left on device"));
        assertEquals(NO_SPACE_LINE, Failures.describe(closing));
    }

    @Test
    void otherFailuresKeepTheirFirstLine() {
        assertNull(Failures.find(new IOException("Permission denied"), Failures.NO_SPACE));
        assertEquals("java.io.IOException: Permission denied", Failures.describe(new IOException("Permission denied\nmore")));
        Exception cyclic = new RuntimeException("a");
        Exception b = new RuntimeException("b", cyclic);
        cyclic.initCause(b);
        assertNull(Failures.find(cyclic, Failures.NO_SPACE), "a cause cycle ends the search");
    }
}
