package org.sweep.driver.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sweep bench ...}: the worker's single-core benchmark, handed its arguments as given. bin/sweep
 * starts it directly without the driver's classes; this entry lists it in the usage and serves
 * {@code java -jar sweep-driver.jar bench}. The benchmark exits the JVM itself.
 */
@Command(name = "bench", description = "Single-core speed of the worker ('bench --help').")
final class BenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARGS", arity = "0..*", description = "the benchmark's own arguments")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        // The benchmark lives in sweep-worker's bench jar (no production jar has it); bin/sweep puts it
        // on the class path.
        Class<?> bench;
        try {
            bench = Class.forName("org.sweep.worker.bench.Bench");
        } catch (ClassNotFoundException e) {
            throw new Main.UsageException("the benchmark is not on the class path (sweep-worker's bench jar);"
                    + " run it with bin/sweep bench");
        }
        bench.getMethod("main", String[].class).invoke(null, (Object) args.toArray(new String[0]));
        return Main.OK;
    }
}
