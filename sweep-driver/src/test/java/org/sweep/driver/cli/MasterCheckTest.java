package org.sweep.driver.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class MasterCheckTest {
    /** Refusal on loopback is immediate; allow scheduling noise on a busy 2-core machine. */
    private static final long FAST_MILLIS = 2000;

    @Test
    void localMastersNeedNoConnection() {
        assertEquals(List.of(), MasterCheck.standaloneMasters("local[*]"));
        assertEquals(List.of(), MasterCheck.standaloneMasters("local-cluster[2,1,1024]"));
        assertDoesNotThrow(() -> MasterCheck.check("local[2]"));
    }

    @Test
    void parsesStandbyMasters() {
        var l = MasterCheck.standaloneMasters("spark://127.0.0.1:7077,localhost:7078");
        assertEquals(2, l.size());
        assertEquals("127.0.0.1", l.get(0).getHostString());
        assertEquals(7078, l.get(1).getPort());
    }

    @Test
    void malformedUrlsNameTheUrl() {
        var e = assertThrows(IllegalArgumentException.class, () -> MasterCheck.standaloneMasters("spark://127.0.0.1"));
        assertEquals("--master spark://127.0.0.1: '127.0.0.1' is not HOST:PORT (e.g. spark://127.0.0.1:7077)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MasterCheck.standaloneMasters("spark://"));
    }

    @Test
    void closedPortFailsFastWithAClearMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "spark://127.0.0.1:" + port;
        long t0 = System.nanoTime();
        var e = assertThrows(MasterCheck.UnreachableException.class, () -> MasterCheck.check(url));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < FAST_MILLIS, "took " + ms + " ms");
        assertTrue(e.getMessage().startsWith("cannot reach the Spark master " + url + " (127.0.0.1:" + port + ": "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("); is the cluster running? (bin/cluster status)"), e.getMessage());
    }

    @Test
    void listeningMasterPasses() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertDoesNotThrow(() -> MasterCheck.check("spark://127.0.0.1:" + s.getLocalPort()));
        }
    }
}
