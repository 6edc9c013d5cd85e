package org.sweep.driver.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sweep.driver.analysis.Analyze;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sweep analyze ...}: handed as given to {@link Analyze}, which parses its own options. */
@Command(name = "analyze", description = {"Analyses of a stored sweep ('analyze --help').",
        "analyze threshold --sweep NAME: the width threshold m* per grid group and its exponent in n."})
final class AnalyzeCommand implements Callable<Integer> {
    private final Main.Io io;

    @Parameters(paramLabel = "ARGS", arity = "0..*", description = "threshold [--out DIR] --sweep NAME ...")
    List<String> args = new ArrayList<>();

    AnalyzeCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        return Analyze.run(args.toArray(new String[0]), null, io.out(), io.err());
    }
}
