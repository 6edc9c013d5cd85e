package org.sweep.driver.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * {@code --set key=value} overrides of a sweep file (a picocli mixin of {@code run} and {@code plan}).
 * A grid axis may also be given Hydra-style as a comma-separated list: {@code --set grid.width=16,64}
 * means {@code --set grid.width=[16,64]}.
 */
public final class SetOptions {
    /** A bare comma-separated list (no brackets, braces or quotes) for a grid axis. */
    private static final Pattern HYDRA_LIST = Pattern.compile("grid\\.[A-Za-z0-9_]+=[^\\[\\]{}'\"]*,[^\\[\\]{}'\"]*");

    final List<String> sets = new ArrayList<>();

    @Option(names = "--set", paramLabel = "key=value",
            description = {"override a key of the sweep file (repeatable): train.steps=200;",
                "a grid axis as a list, grid.width=[16,64], or Hydra-style grid.width=16,64"})
    void set(String kv) throws Main.UsageException {
        if (!kv.contains("=") || kv.startsWith("=")) {
            throw new Main.UsageException("--set expects key=value, got '" + kv + "'");
        }
        sets.add(normalize(kv));
    }

    /** {@code grid.KEY=a,b,c} becomes {@code grid.KEY=[a,b,c]}; everything else is left as given. */
    static String normalize(String kv) {
        if (HYDRA_LIST.matcher(kv).matches()) {
            int eq = kv.indexOf('=');
            return kv.substring(0, eq) + "=[" + kv.substring(eq + 1) + "]";
        }
        return kv;
    }
}
