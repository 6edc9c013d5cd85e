package org.sweep.driver.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sweep completion}: prints a bash/zsh completion script generated from the command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Print a bash/zsh completion script for bin/sweep.",
                "Load it with: source <(bin/sweep completion)"})
final class CompletionCommand implements Callable<Integer> {
    private final Main.Io io;

    @Spec
    CommandSpec spec;

    CompletionCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        io.out().print(AutoComplete.bash("sweep", spec.root().commandLine()));
        io.out().flush();
        return Main.OK;
    }
}
