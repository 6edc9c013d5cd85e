package org.sweep.driver.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place where the project's SparkSession is configured. Everything listens on loopback:
 * spark.driver.host and spark.driver.bindAddress are 127.0.0.1 and the UI is off unless asked for
 * (it binds where SPARK_LOCAL_IP says, which bin/sweep sets to 127.0.0.1).
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    /** JVM options every executor needs: deep recursion headroom, the vector module, Spark's opens. */
    public static final String EXECUTOR_JAVA_OPTIONS = "-Xss4m --add-modules=jdk.incubator.vector"
            + " --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
            + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED"
            + " --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
            + " --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
            + " --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"
            + " --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
            + " --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED"
            + " --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
            + " -Dio.netty.tryReflectionSetAccessible=true";

    /**
     * The settings of a sweep session.
     *
     * @param master   Spark master URL (local[*], local-cluster[...], spark://host:port)
     * @param ui       start the Spark UI (on SPARK_LOCAL_IP, i.e. loopback under bin/sweep)
     * @param appJar   jar with the project's classes for executors of a cluster (spark.jars), or null
     * @param extra    further Spark settings (e.g. from --conf), applied last
     */
    public static Map<String, String> settings(String master, boolean ui, Path appJar, Map<String, String> extra) {
        Map<String, String> c = new TreeMap<>();
        c.put("spark.master", master);
        c.put("spark.app.name", "sweep");
        c.put("spark.driver.host", "127.0.0.1");
        c.put("spark.driver.bindAddress", "127.0.0.1");
        c.put("spark.ui.enabled", Boolean.toString(ui));
        c.put("spark.ui.showConsoleProgress", "false");
        c.put("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS);
        c.put("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
        c.put("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
        // One task = one core (the worker is single-threaded; OPENBLAS_NUM_THREADS=1).
        c.put("spark.task.cpus", "1");
        // Infrastructure failures (a lost executor) are retried; the worker itself never throws.
        c.put("spark.task.maxFailures", "4");
        // Off by default. Results do not depend on it: only one attempt per partition commits output.
        c.put("spark.speculation", "false");
        // Partition values are sweep names: never let "sweep=2024" turn into an integer.
        c.put("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
        // SQL reads only the registered views, never arbitrary files (SELECT * FROM parquet.`/path`).
        c.put("spark.sql.runSQLOnFiles", "false");
        c.put("spark.sql.session.timeZone", "UTC");
        c.put("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false");
        c.put("spark.sql.parquet.compression.codec", "snappy");
        // The runs schema has ~70 columns; avoid the "truncated the string representation" warning.
        c.put("spark.sql.debug.maxToStringFields", "500");
        // No spark-warehouse/ in the caller's directory: nothing is ever stored in the warehouse
        // (the tables are files under --out), but Spark creates it when the catalog is first used.
        c.put("spark.sql.warehouse.dir", Path.of(System.getProperty("java.io.tmpdir"),
                "sweep-spark-warehouse-" + System.getProperty("user.name", "user")).toUri().toString());
        if (appJar != null) {
            c.put("spark.jars", appJar.toAbsolutePath().toString());
        }
        c.putAll(extra);
        return c;
    }

    /**
     * dev.ludovic.netlib reports the BLAS/LAPACK it picked through java.util.logging at INFO, on
     * stderr, in every JVM that runs tasks (here the driver for local masters). The rows record the
     * implementation anyway (columns blas, lapack). Kept in a field: JUL holds loggers weakly.
     */
    private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

    /** Silences the INFO lines of netlib's implementation choice (call before any BLAS use). */
    public static void quietLibraryLogging() {
        NETLIB_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    public static SparkSession start(Map<String, String> settings) {
        quietLibraryLogging();
        SparkConf conf = new SparkConf(false);
        settings.forEach(conf::set);
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /**
     * The application jar to ship to a standalone cluster: the system property {@code sweep.app.jar}
     * (set by bin/sweep), else {@code sweep-driver-app.jar} next to the jar this class was loaded
     * from; null when none exists (in-process masters need none).
     */
    public static Path findAppJar() {
        String prop = System.getProperty("sweep.app.jar");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        try {
            Path here = Path.of(SparkSessions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = (Files.isDirectory(here) ? here.getParent() : here.getParent()).resolve("sweep-driver-app.jar");
            return Files.isRegularFile(candidate) ? candidate : null;
        } catch (Exception e) {
            return null;
        }
    }
}
