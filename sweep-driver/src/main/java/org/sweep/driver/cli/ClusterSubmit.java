package org.sweep.driver.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.Utils;
import org.sweep.driver.plan.ConfigException;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.driver.run.SparkSessions;

/**
 * {@code bin/sweep run FILE --master yarn|k8s://... --deploy-mode client|cluster [...]}.
 *
 * <p>Client mode is {@code bin/sweep run} without the option. Cluster mode validates the sweep file
 * here (a bad file exits 2 before anything is submitted), then calls Spark's own spark-submit in this
 * JVM: the application jar {@code sweep-driver-app.jar} with {@link Main} as its class, the sweep file
 * in {@code --files} (it lies in the driver's working directory on the cluster) and the run's options
 * as the application's arguments. spark-submit reads {@code spark-defaults.conf} from SPARK_CONF_DIR
 * and waits for the application's end (spark.yarn.submit.waitAppCompletion); its exit code is this
 * command's (0 done, 1 failed). {@code --out} must be a place the cluster's driver can write (an
 * absolute path on a shared file system, or a URI); a relative path is made absolute here.
 */
public final class ClusterSubmit {
    private ClusterSubmit() {
    }

    public static void main(String[] argv) {
        int code = execute(argv, System.out, System.err);
        System.exit(code);
    }

    /** The parts of a run command line that spark-submit needs apart. */
    record Parsed(String deployMode, String master, Map<String, String> conf, List<String> appArgs, Path file,
                  List<String> sets, String executorMemory, String out) {
    }

    static Parsed parse(String[] argv) throws Main.UsageException {
        if (argv.length == 0 || !argv[0].equals("run")) {
            throw new Main.UsageException("--deploy-mode applies to run only");
        }
        String mode = null;
        String master = null;
        String out = "results";
        String mem = null;
        Map<String, String> conf = new LinkedHashMap<>();
        List<String> sets = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) {
            String s = argv[i];
            String opt = s;
            String val = null;
            if (s.startsWith("--") && s.contains("=")) {
                opt = s.substring(0, s.indexOf('='));
                val = s.substring(s.indexOf('=') + 1);
            }
            boolean takesValue = List.of("--deploy-mode", "--master", "--conf", "--out", "--set", "--executor-memory")
                    .contains(opt);
            if (takesValue && val == null) {
                if (i + 1 >= argv.length) {
                    throw new Main.UsageException(opt + " needs a value");
                }
                val = argv[++i];
            }
            switch (opt) {
                case "--deploy-mode" -> {
                    if (!val.equals("client") && !val.equals("cluster")) {
                        throw new Main.UsageException("--deploy-mode must be client or cluster, got '" + val + "'");
                    }
                    mode = val;
                }
                case "--master" -> master = val;
                case "--conf" -> {
                    int eq = val.indexOf('=');
                    if (eq <= 0 || !val.startsWith("spark.")) {
                        throw new Main.UsageException("--conf expects spark.key=value, got '" + val + "'");
                    }
                    conf.put(val.substring(0, eq), val.substring(eq + 1));
                }
                case "--out" -> out = val;
                case "--set" -> sets.add(val);
                case "--executor-memory" -> mem = val;
                default -> {
                    if (!s.startsWith("--")) {
                        positional.add(s);
                    }
                }
            }
            if (!opt.equals("--deploy-mode") && !opt.equals("--master") && !opt.equals("--conf")) {
                if (takesValue) {
                    rest.add(opt);
                    rest.add(val);
                } else {
                    rest.add(s);
                }
            }
        }
        if (positional.size() != 1) {
            throw new Main.UsageException("run expects exactly one sweep file, got " + positional.size() + " arguments");
        }
        if (master == null) {
            master = SparkSessions.defaultMaster();
        }
        return new Parsed(mode, master, conf, rest, Path.of(positional.get(0)), sets, mem, out);
    }

    public static int execute(String[] argv, PrintStream out, PrintStream err) {
        SparkSessions.quietLibraryLogging();
        Parsed p;
        try {
            p = parse(argv);
        } catch (Main.UsageException e) {
            err.println("sweep: " + e.getMessage());
            return Main.USAGE;
        }
        if (!"cluster".equals(p.deployMode())) {
            // Client mode: the driver is this JVM, exactly as without the option.
            List<String> a = new ArrayList<>();
            a.add("run");
            a.add("--master");
            a.add(p.master());
            p.conf().forEach((k, v) -> {
                a.add("--conf");
                a.add(k + "=" + v);
            });
            a.addAll(p.appArgs());
            return Main.execute(a.toArray(String[]::new), out, err);
        }
        try {
            List<String> submit = submitArgs(p);
            err.println("sweep: submitting to " + p.master() + " in cluster deploy mode; the driver's output is in"
                    + " the cluster's logs (yarn logs -applicationId ...)");
            // Returns once the application has ended SUCCEEDED; YARN's client throws when it ended
            // FAILED, KILLED or UNDEFINED (after logging YARN's diagnostics, which carry the driver's
            // exception, see Main.endInApplicationMaster).
            org.apache.spark.deploy.SparkSubmit.main(submit.toArray(String[]::new));
            String wait = p.conf().getOrDefault("spark.yarn.submit.waitAppCompletion",
                    SparkSessions.hostSettings().getOrDefault("spark.yarn.submit.waitAppCompletion", "true"));
            if (p.master().equals("yarn") && !wait.trim().equalsIgnoreCase("false")) {
                err.println("sweep: the application finished with final status SUCCEEDED");
            }
            return Main.OK;
        } catch (Main.UsageException | ConfigException e) {
            err.println("sweep: " + e.getMessage());
            return Main.USAGE;
        } catch (Exception e) {
            err.println("sweep: run in cluster deploy mode failed: " + e.getMessage());
            return Main.FAILED;
        }
    }

    /** spark-submit's arguments for a run in cluster deploy mode; validates the sweep file first. */
    static List<String> submitArgs(Parsed p) throws Main.UsageException, ConfigException {
        if (SparkSessions.onThisMachine(p.master()) || p.master().startsWith("local")) {
            throw new Main.UsageException("--deploy-mode cluster needs a cluster master (yarn, k8s://...), got "
                    + p.master());
        }
        Path file = p.file();
        if (!Files.isRegularFile(file)) {
            throw new Main.UsageException("sweep file " + file + " does not exist or is not a file");
        }
        String mem = p.executorMemory() != null ? p.executorMemory()
                : p.conf().getOrDefault("spark.executor.memory",
                        SparkSessions.hostSettings().getOrDefault("spark.executor.memory", "1g"));
        long memBytes;
        try {
            memBytes = Utils.byteStringAsBytes(mem);
        } catch (RuntimeException e) {
            throw new Main.UsageException("--executor-memory: cannot read '" + mem + "' as a size (e.g. 2g, 512m)");
        }
        SweepPlan plan = SweepPlanner.plan(file, p.sets(), memBytes);
        Path appJar = SparkSessions.findAppJar();
        if (appJar == null) {
            throw new Main.UsageException("--deploy-mode cluster needs the application jar sweep-driver-app.jar"
                    + " (built by mvn package; bin/sweep builds it)");
        }

        List<String> s = new ArrayList<>();
        s.add("--master");
        s.add(p.master());
        s.add("--deploy-mode");
        s.add("cluster");
        s.add("--class");
        s.add(Main.class.getName());
        s.add("--name");
        s.add("sweep run " + plan.name());
        s.add("--files");
        s.add(file.toAbsolutePath().toString());
        Map<String, String> conf = new LinkedHashMap<>();
        Map<String, String> host = SparkSessions.hostSettings();
        // The driver JVM starts in the cluster: its stack size goes with the job (Spark adds its module options).
        String driverOpts = host.get("spark.driver.extraJavaOptions");
        conf.put("spark.driver.extraJavaOptions", SparkSessions.EXECUTOR_JAVA_OPTIONS
                + (driverOpts == null ? "" : " " + driverOpts));
        conf.put("spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS", "1");
        if (p.master().equals("yarn") && !host.containsKey("spark.yarn.jars") && !host.containsKey("spark.yarn.archive")) {
            String jars = SparkSessions.projectSparkJarsForYarn();
            if (jars != null) {
                conf.put("spark.yarn.jars", jars);
            }
        }
        conf.putAll(p.conf());
        conf.forEach((k, v) -> {
            s.add("--conf");
            s.add(k + "=" + v);
        });
        s.add(appJar.toAbsolutePath().toString());

        // The application's arguments: the sweep file by its name (spark-submit puts it in the
        // driver's working directory), the output as an absolute path or URI.
        s.add("run");
        s.add(file.getFileName().toString());
        List<String> a = p.appArgs();
        boolean sawOut = false;
        for (int i = 0; i < a.size(); i++) {
            String x = a.get(i);
            if (x.equals(file.toString())) {
                continue;
            }
            if (x.equals("--out")) {
                s.add("--out");
                s.add(absoluteOut(a.get(++i)));
                sawOut = true;
            } else {
                s.add(x);
            }
        }
        if (!sawOut) {
            s.add("--out");
            s.add(absoluteOut(p.out()));
        }
        return s;
    }

    /** An output location the cluster's driver can use: URIs as given, local paths made absolute. */
    static String absoluteOut(String out) {
        if (out.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return out;
        }
        return Path.of(out).toAbsolutePath().normalize().toString();
    }
}
