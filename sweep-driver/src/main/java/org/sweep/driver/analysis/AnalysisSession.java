package org.sweep.driver.analysis;

import org.apache.spark.sql.SparkSession;

/** A local Spark session for an analysis started from the command line (loopback only, no UI). */
final class AnalysisSession {
    private AnalysisSession() {
    }

    static SparkSession start() {
        return SparkSession.builder().master("local[*]").appName("sweep-analyze")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
    }
}
