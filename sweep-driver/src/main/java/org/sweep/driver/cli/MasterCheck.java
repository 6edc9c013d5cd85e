package org.sweep.driver.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fails fast when a standalone master URL cannot be reached. Spark itself would retry the
 * registration three times with a fixed 20 s timeout each (StandaloneAppClient's
 * REGISTRATION_TIMEOUT_SECONDS and REGISTRATION_RETRIES, not configurable) and then stop the
 * context with "All masters are unresponsive! Giving up.", a minute after the user typed the
 * command. A plain TCP connect to each master, bounded by {@link #CONNECT_TIMEOUT_MILLIS}, tells
 * the same thing in a second.
 */
public final class MasterCheck {
    /** Bound on one connection attempt: loopback answers in microseconds, a LAN in milliseconds; a busy
     * master host may take seconds to accept. */
    public static final int CONNECT_TIMEOUT_MILLIS = 5000;

    private MasterCheck() {
    }

    /** Thrown with the message the user sees. */
    public static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message);
        }
    }

    /**
     * The host:port pairs of a {@code spark://} master URL ({@code spark://h1:7077,h2:7077} lists
     * standby masters); an empty list for masters that need no connection (local, local-cluster)
     * or that Spark resolves itself (yarn, k8s://).
     *
     * @throws IllegalArgumentException for a malformed spark:// URL, naming it
     */
    public static List<InetSocketAddress> standaloneMasters(String master) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (master == null || !master.toLowerCase(Locale.ROOT).startsWith("spark://")) {
            return out;
        }
        String rest = master.substring("spark://".length());
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("--master " + master + ": expected spark://HOST:PORT");
        }
        for (String hp : rest.split(",")) {
            URI u;
            try {
                u = new URI("spark://" + hp);
            } catch (Exception e) {
                throw new IllegalArgumentException("--master " + master + ": '" + hp + "' is not HOST:PORT");
            }
            if (u.getHost() == null || u.getPort() < 1 || u.getPort() > 65535 || u.getPath() != null && !u.getPath().isEmpty()) {
                throw new IllegalArgumentException("--master " + master + ": '" + hp
                        + "' is not HOST:PORT (e.g. spark://127.0.0.1:7077)");
            }
            out.add(InetSocketAddress.createUnresolved(u.getHost(), u.getPort()));
        }
        return out;
    }

    private static final java.util.regex.Pattern LOCAL_N = java.util.regex.Pattern.compile(
            "local\\[([0-9]+|\\*)(,([0-9]+))?\\]");
    private static final java.util.regex.Pattern LOCAL_CLUSTER = java.util.regex.Pattern.compile(
            "local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*\\]");

    /**
     * Checks the form of a master URL as Spark's SparkContext would, before anything starts: local,
     * local[N] / local[*] (N &gt;= 1, optionally ",F" failures), local-cluster[N,C,MB], spark://..., or a
     * URL that a cluster manager on the classpath accepts (yarn, k8s:// when their modules are there).
     *
     * @throws IllegalArgumentException naming the URL and what is wrong
     */
    public static void validate(String master) {
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("--master is empty");
        }
        if (master.equals("local") || master.toLowerCase(Locale.ROOT).startsWith("spark://")) {
            return;
        }
        java.util.regex.Matcher m = LOCAL_N.matcher(master);
        if (m.matches()) {
            if (!m.group(1).equals("*") && !positive(m.group(1))) {
                throw new IllegalArgumentException("--master " + master + ": needs at least 1 thread (local[1], local[*])");
            }
            if (m.group(3) != null && !positive(m.group(3))) {
                throw new IllegalArgumentException("--master " + master + ": the number of task failures allowed must"
                        + " be at least 1");
            }
            return;
        }
        m = LOCAL_CLUSTER.matcher(master);
        if (m.matches()) {
            if (!positive(m.group(1)) || !positive(m.group(2)) || !positive(m.group(3))) {
                throw new IllegalArgumentException("--master " + master + ": local-cluster[WORKERS,CORES,MB] needs"
                        + " numbers of at least 1");
            }
            return;
        }
        for (org.apache.spark.scheduler.ExternalClusterManager cm
                : java.util.ServiceLoader.load(org.apache.spark.scheduler.ExternalClusterManager.class)) {
            if (cm.canCreate(master)) {
                return;
            }
        }
        throw new IllegalArgumentException("--master " + master + ": unknown master URL; expected local, local[N],"
                + " local[*], local-cluster[WORKERS,CORES,MB] or spark://HOST:PORT");
    }

    private static boolean positive(String digits) {
        return digits.length() <= 9 && Integer.parseInt(digits) >= 1;
    }

    /**
     * Connects to every master of a spark:// URL; succeeds when at least one accepts a connection.
     *
     * @throws UnreachableException naming the URL and why each master failed
     */
    public static void check(String master) throws UnreachableException {
        validate(master);
        List<InetSocketAddress> masters = standaloneMasters(master);
        if (masters.isEmpty()) {
            return;
        }
        List<String> why = new ArrayList<>();
        for (InetSocketAddress a : masters) {
            InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
            if (resolved.isUnresolved()) {
                why.add(a.getHostString() + ": unknown host");
                continue;
            }
            try (Socket s = new Socket()) {
                s.connect(resolved, CONNECT_TIMEOUT_MILLIS);
                return;
            } catch (java.net.SocketTimeoutException e) {
                why.add(a.getHostString() + ":" + a.getPort() + ": no answer within " + CONNECT_TIMEOUT_MILLIS + " ms");
            } catch (IOException e) {
                why.add(a.getHostString() + ":" + a.getPort() + ": " + e.getMessage());
            }
        }
        throw new UnreachableException("cannot reach the Spark master " + master + " (" + String.join("; ", why)
                + "); is the cluster running? (bin/cluster status)");
    }
}
