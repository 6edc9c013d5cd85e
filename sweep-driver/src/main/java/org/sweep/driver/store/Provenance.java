package org.sweep.driver.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Where the code that runs came from. */
public final class Provenance {
    private Provenance() {
    }

    private static volatile String codeVersion;

    /**
     * The git commit of the checkout: the system property {@code sweep.code.version} (set by
     * bin/sweep from {@code git rev-parse HEAD}, with {@code +dirty} when tracked files differ from
     * it), else {@code git rev-parse HEAD} in the working directory, else {@code unknown}.
     */
    public static String codeVersion() {
        String v = codeVersion;
        if (v == null) {
            v = System.getProperty("sweep.code.version");
            if (v == null || v.isBlank()) {
                v = git();
            }
            codeVersion = v;
        }
        return v;
    }

    private static String git() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && s.matches("[0-9a-f]{40}")) {
                return s;
            }
        } catch (IOException e) {
            // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }

    public static String javaVersion() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    public static String osArch() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }
}
