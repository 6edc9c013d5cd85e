package org.sweep.driver.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sweep.worker.bench.Bench;
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
        Bench.main(args.toArray(new String[0]));
        return Main.OK;
    }
}
