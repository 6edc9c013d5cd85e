package org.sweep.driver.reliability;

import org.sweep.driver.cli.Main;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the sweep command line ({@code org.sweep.driver.cli.Main}) in its own JVM, as {@code bin/sweep}
 * does, with this test JVM's class path (the project's classes are class folders during
 * {@code mvn test}; bin/sweep would run the packaged jars). Separate JVMs are what the driver-kill
 * and two-drivers tests need, and keep each run's SparkContext out of the test JVM.
 */
final class SweepCli {
    /** Bound on one command: the sweeps of these tests take seconds; a hang must fail the test. */
    static final long TIMEOUT_SECONDS = 240;

    private SweepCli() {
    }

    record Result(int rc, String output) {
    }

    /** The java command line of {@code bin/sweep ARGS}. */
    static List<String> command(Path appJar, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the JVM options bin/sweep passes: its argument file (the path comes from the surefire configuration)
        cmd.add("@" + System.getProperty("sweep.jvm.options", "bin/jvm.options"));
        if (appJar != null) {
            cmd.add("-Dsweep.app.jar=" + appJar);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add("org.sweep.driver.cli.Main");
        cmd.addAll(args);
        return cmd;
    }

    static ProcessBuilder builder(Path dir, Path log, Path appJar, List<String> args) {
        return builder(dir, log, appJar, args, org.sweep.driver.cli.Main.class.getName(), null, java.util.Map.of());
    }

    /**
     * As {@link #builder(Path, Path, Path, List)} with another main class (e.g. ClusterSubmit), a
     * class path entry in front (e.g. a Hadoop configuration folder, as bin/sweep puts
     * HADOOP_CONF_DIR) and further environment variables.
     */
    static ProcessBuilder builder(Path dir, Path log, Path appJar, List<String> args, String mainClass,
                                  Path classPathFirst, java.util.Map<String, String> env) {
        List<String> cmd = command(appJar, args);
        int cp = cmd.indexOf("-cp") + 1;
        if (classPathFirst != null) {
            cmd.set(cp, classPathFirst + java.io.File.pathSeparator + cmd.get(cp));
        }
        cmd.set(cp + 1, mainClass);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().remove("SPARK_HOME");
        pb.environment().remove("SPARK_TESTING");
        pb.environment().putAll(env);
        return pb;
    }

    static Process start(Path dir, Path log, Path appJar, String... args) throws IOException {
        return builder(dir, log, appJar, List.of(args)).start();
    }

    static Result run(Path dir, Path appJar, String... args) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = Files.createTempFile(dir, "sweep-", ".log");
        Process p = start(dir, log, appJar, args);
        return await(p, log);
    }

    static Result await(Process p, Path log) throws IOException, InterruptedException {
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Result(124, Files.readString(log) + "\n(killed after " + TIMEOUT_SECONDS + " s)");
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
