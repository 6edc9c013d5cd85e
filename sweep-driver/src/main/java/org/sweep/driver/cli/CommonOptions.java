package org.sweep.driver.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options shared by the commands that read or write a result directory and may start Spark:
 * {@code --out}, {@code --master}, {@code --conf}, {@code --executor-memory}, {@code --ui/--no-ui}.
 * A picocli mixin, so each command's usage lists them from this one definition.
 */
public final class CommonOptions {
    @Option(names = "--out", paramLabel = "DIR",
            description = "result directory: a path, or a Hadoop file system URI (hdfs://, s3a://, file://)"
                    + " (default: ${DEFAULT-VALUE})")
    String out = "results";

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[*], local[N], local-cluster[...], spark://HOST:PORT, yarn,"
                    + " k8s://https://HOST:PORT (default: spark.master of spark-submit or spark-defaults.conf,"
                    + " else local[*]; now ${DEFAULT-VALUE})")
    String master = org.sweep.driver.run.SparkSessions.defaultMaster();

    final Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--conf", paramLabel = "spark.key=value", description = "a further Spark setting (repeatable)")
    void conf(String kv) throws Main.UsageException {
        int eq = kv.indexOf('=');
        if (eq <= 0 || !kv.startsWith("spark.")) {
            throw new Main.UsageException("--conf expects spark.key=value, got '" + kv + "'");
        }
        conf.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    @Option(names = "--executor-memory", paramLabel = "SIZE",
            description = "memory per executor, e.g. 2g (clusters; local masters use the driver heap)")
    String executorMemory;

    @Option(names = "--ui", negatable = true, description = "start the Spark UI on 127.0.0.1 (default: off)")
    boolean ui;
}
