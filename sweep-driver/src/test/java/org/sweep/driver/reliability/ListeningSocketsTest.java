package org.sweep.driver.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {
    @Test
    void decodesProcNetAddresses() {
        // /proc/net/tcp prints each 32-bit word in host (little-endian) byte order.
        var v4 = ListeningSockets.decode(1, "0100007F", 7077);
        assertEquals("127.0.0.1", v4.address());
        assertTrue(v4.loopback());
        var any4 = ListeningSockets.decode(1, "00000000", 80);
        assertEquals("0.0.0.0", any4.address());
        assertFalse(any4.loopback());
        var lan = ListeningSockets.decode(1, "0A01A8C0", 80);
        assertEquals("192.168.1.10", lan.address());
        assertFalse(lan.loopback());
        var mapped = ListeningSockets.decode(1, "0000000000000000FFFF00000100007F", 1);
        assertEquals("::ffff:127.0.0.1", mapped.address());
        assertTrue(mapped.loopback());
        var any6 = ListeningSockets.decode(1, "00000000000000000000000000000000", 1);
        assertEquals("0:0:0:0:0:0:0:0", any6.address());
        assertFalse(any6.loopback());
        var one6 = ListeningSockets.decode(1, "00000000000000000000000001000000", 1);
        assertEquals("0:0:0:0:0:0:0:1", one6.address());
        assertTrue(one6.loopback());
    }

    @Test
    void findsAListenerOfThisProcess() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var mine = ListeningSockets.of(ProcessHandle.current().pid());
            assertTrue(mine.stream().anyMatch(l -> l.port() == s.getLocalPort() && l.loopback()), mine.toString());
        }
    }
}
