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

    /**
     * Connects to every master of a spark:// URL; succeeds when at least one accepts a connection.
     *
     * @throws UnreachableException naming the URL and why each master failed
     */
    public static void check(String master) throws UnreachableException {
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
