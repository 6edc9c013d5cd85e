package org.sweep.driver.reliability;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The TCP sockets a process listens on, read from Linux's /proc: the socket inodes among the
 * process's open file descriptors, matched against the LISTEN rows (state 0A) of /proc/net/tcp
 * and /proc/net/tcp6.
 */
final class ListeningSockets {
    private ListeningSockets() {
    }

    /** One listening socket: address as printed ("127.0.0.1", "::ffff:127.0.0.1", "0.0.0.0", "::"), port. */
    record Listener(long pid, String address, int port, boolean loopback) {
        @Override
        public String toString() {
            return "pid " + pid + " " + address + ":" + port;
        }
    }

    static List<Listener> of(long pid) throws IOException {
        Set<Long> inodes = new HashSet<>();
        Path fd = Path.of("/proc", Long.toString(pid), "fd");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fd)) {
            for (Path p : s) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while we listed: not a listener of interest
                }
            }
        }
        List<Listener> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path t = Path.of(table);
            if (!Files.exists(t)) {
                continue;
            }
            List<String> lines = Files.readAllLines(t);
            for (String line : lines.subList(1, lines.size())) {
                String[] w = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (w.length < 10 || !w[3].equals("0A")) {
                    continue;
                }
                if (!inodes.contains(Long.parseLong(w[9]))) {
                    continue;
                }
                String[] hp = w[1].split(":");
                out.add(decode(pid, hp[0], Integer.parseInt(hp[1], 16)));
            }
        }
        return out;
    }

    /** Decodes /proc/net's hex address: 4 bytes (IPv4) or 16 bytes (IPv6), each 32-bit word little-endian. */
    static Listener decode(long pid, String hex, int port) {
        byte[] b = new byte[hex.length() / 2];
        for (int word = 0; word < b.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + i) * 2;
                b[word * 4 + 3 - i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        if (b.length == 4) {
            String a = (b[0] & 255) + "." + (b[1] & 255) + "." + (b[2] & 255) + "." + (b[3] & 255);
            return new Listener(pid, a, port, (b[0] & 255) == 127);
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        mapped &= (b[10] & 255) == 0xff && (b[11] & 255) == 0xff;
        if (mapped) {
            String a = "::ffff:" + (b[12] & 255) + "." + (b[13] & 255) + "." + (b[14] & 255) + "." + (b[15] & 255);
            return new Listener(pid, a, port, (b[12] & 255) == 127);
        }
        boolean loop = true;
        for (int i = 0; i < 15; i++) {
            loop &= b[i] == 0;
        }
        loop &= b[15] == 1;
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            a.append(i == 0 ? "" : ":").append(String.format(Locale.ROOT, "%x", ((b[i] & 255) << 8) | (b[i + 1] & 255)));
        }
        return new Listener(pid, a.toString(), port, loop);
    }
}
