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

    /** Where the host's own Spark settings come from, lowest precedence first (for messages). */
    public static final String PRECEDENCE = "project defaults < spark-defaults.conf < spark.* system properties"
            + " (spark-submit, --conf of spark-submit) < options of bin/sweep";

    /**
     * The settings of a sweep session, in four layers (later wins): the project's defaults; the host's
     * {@code spark-defaults.conf} (in {@code SPARK_CONF_DIR}, else {@code SPARK_HOME/conf}; skipped under
     * spark-submit, which has read it already); the {@code spark.*} system properties (what spark-submit
     * and its {@code --conf} pass on); then the master and {@code extra} given to bin/sweep.
     *
     * <p>The loopback defaults: for masters on this machine (local, local-cluster, spark:// on
     * 127.0.0.1 or localhost) the driver and the executors bind to 127.0.0.1 whatever SPARK_LOCAL_IP
     * says. For other masters (yarn, k8s://, remote spark://) the driver's address defaults to
     * SPARK_LOCAL_IP (bin/sweep sets 127.0.0.1 unless the caller set it), and in cluster deploy mode
     * to nothing: the resource manager places the driver.
     *
     * @param master   Spark master URL (local[*], local-cluster[...], spark://host:port, yarn, k8s://...)
     * @param ui       start the Spark UI (on SPARK_LOCAL_IP, i.e. loopback under bin/sweep)
     * @param appJar   jar with the project's classes for executors of a cluster (spark.jars), or null
     * @param extra    further Spark settings (e.g. from --conf), applied last
     */
    public static Map<String, String> settings(String master, boolean ui, Path appJar, Map<String, String> extra) {
        Map<String, String> host = hostSettings();
        boolean clusterDeploy = "cluster".equals(extra.getOrDefault("spark.submit.deployMode",
                host.get("spark.submit.deployMode")));
        Map<String, String> c = new TreeMap<>();
        c.put("spark.app.name", "sweep");
        if (onThisMachine(master)) {
            c.put("spark.driver.host", "127.0.0.1");
            c.put("spark.driver.bindAddress", "127.0.0.1");
            c.put("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
        } else if (!clusterDeploy) {
            String ip = System.getenv("SPARK_LOCAL_IP");
            String addr = ip == null || ip.isBlank() ? "127.0.0.1" : ip;
            c.put("spark.driver.host", addr);
            c.put("spark.driver.bindAddress", addr);
        }
        c.put("spark.ui.enabled", Boolean.toString(ui));
        c.put("spark.ui.showConsoleProgress", "false");
        c.put("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS);
        c.put("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
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
        if (master.equals("yarn")) {
            // Without these Spark's YARN client looks for SPARK_HOME/jars; the project's own jars
            // (uploaded to the staging folder per application) serve instead.
            String jars = projectSparkJarsForYarn();
            if (jars != null && !host.containsKey("spark.yarn.jars") && !host.containsKey("spark.yarn.archive")) {
                c.put("spark.yarn.jars", jars);
            }
        }

        // The host's settings win over the project's; JVM options are joined, not replaced, since
        // executors need the project's (vector module, stack size) whatever else is asked for.
        host.forEach((k, v) -> c.merge(k, v, SparkSessions::joinIfOptions));
        c.put("spark.master", master);
        if (appJar != null) {
            String jar = appJar.toAbsolutePath().toString();
            String have = c.get("spark.jars");
            if (have == null || have.isBlank()) {
                c.put("spark.jars", jar);
            } else if (!have.contains(appJar.getFileName().toString())) {
                c.put("spark.jars", have + "," + jar);
            }
        }
        extra.forEach((k, v) -> c.merge(k, v, SparkSessions::joinIfOptions));
        return c;
    }

    private static String joinIfOptions(String mine, String theirs) {
        return theirs.contains(mine) || !mine.equals(EXECUTOR_JAVA_OPTIONS) ? theirs : mine + " " + theirs;
    }

    /** The default master when bin/sweep gets no --master: spark-submit's, spark-defaults.conf's, else local[*]. */
    public static String defaultMaster() {
        return hostSettings().getOrDefault("spark.master", "local[*]");
    }

    /** Masters whose executors run on this machine: local, local-cluster, spark:// on loopback. */
    public static boolean onThisMachine(String master) {
        return master.equals("local") || master.startsWith("local[") || master.startsWith("local-cluster[")
                || master.startsWith("spark://127.0.0.1:") || master.startsWith("spark://localhost:");
    }

    /** Masters whose executors need the application jar shipped (every master but the in-process ones). */
    public static boolean needsAppJar(String master) {
        return !(master.equals("local") || master.startsWith("local["));
    }

    /** True when this JVM was started by spark-submit (it passes spark.submit.deployMode). */
    public static boolean launchedBySparkSubmit() {
        return System.getProperty("spark.submit.deployMode") != null;
    }

    /** The host's own settings: spark-defaults.conf (unless under spark-submit), then spark.* system properties. */
    public static Map<String, String> hostSettings() {
        Map<String, String> m = new TreeMap<>();
        if (!launchedBySparkSubmit()) {
            Path file = defaultsFile(System.getenv());
            if (file != null) {
                m.putAll(readDefaults(file));
            }
        }
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("spark.")) {
                m.put(k, System.getProperty(k));
            }
        }
        return m;
    }

    /** Spark's spark-defaults.conf: in SPARK_CONF_DIR, else SPARK_HOME/conf; null when there is none. */
    static Path defaultsFile(Map<String, String> env) {
        String dir = env.get("SPARK_CONF_DIR");
        if (dir == null || dir.isBlank()) {
            String home = env.get("SPARK_HOME");
            if (home == null || home.isBlank()) {
                return null;
            }
            dir = Path.of(home, "conf").toString();
        }
        Path f = Path.of(dir, "spark-defaults.conf");
        return Files.isRegularFile(f) ? f : null;
    }

    /** The spark.* entries of a properties file, values trimmed (as spark-submit reads it). */
    static Map<String, String> readDefaults(Path file) {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("spark.")) {
                m.put(k, p.getProperty(k).trim());
            }
        }
        return m;
    }

    /**
     * The jars this JVM runs Spark from, as a spark.yarn.jars list: the folder of spark-core (the
     * project's target/lib) and that of spark-yarn (target/cluster-lib); null if not from jar folders.
     */
    public static String projectSparkJarsForYarn() {
        java.util.LinkedHashSet<String> dirs = new java.util.LinkedHashSet<>();
        for (String cls : new String[] {"org.apache.spark.SparkContext", "org.apache.spark.deploy.yarn.Client"}) {
            try {
                Path jar = Path.of(Class.forName(cls, false, SparkSessions.class.getClassLoader())
                        .getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isRegularFile(jar)) {
                    dirs.add(jar.getParent().toAbsolutePath() + "/*.jar");
                }
            } catch (Exception | LinkageError e) {
                // not on the class path: nothing to add
            }
        }
        return dirs.isEmpty() ? null : String.join(",", dirs);
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
        // true: spark.* system properties (spark-submit's) are read too; settings() has already
        // layered them over the project's defaults, and bin/sweep's own options over them.
        SparkConf conf = new SparkConf(true);
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
