package org.sweep.minicluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A YARN cluster (one ResourceManager, SWEEP_NODEMANAGERS NodeManagers) and an HDFS cluster (one
 * NameNode, one DataNode) in this JVM, every listener on 127.0.0.1, for {@code bin/cluster start yarn}.
 *
 * <p>Usage: {@code MiniYarnDfs STATE_DIR [NODEMANAGERS] [NM_MEMORY_MB] [NM_VCORES]}. Runs with its
 * working directory in STATE_DIR (MiniYARNCluster keeps its NodeManager folders under ./target).
 * Once both clusters serve, writes the client configuration (core-site.xml, hdfs-site.xml,
 * yarn-site.xml) into STATE_DIR/conf and then STATE_DIR/ready (the properties fs, rm and webapp),
 * and runs until SIGTERM, which stops both clusters.
 */
public final class MiniYarnDfs {
    private static final String HOST = "127.0.0.1";

    private MiniYarnDfs() {
    }

    public static void main(String[] args) {
        try {
            serve(args);
        } catch (Throwable t) {
            // Server threads would keep the JVM alive after a failed start: end it, so the caller sees it.
            t.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
    }

    private static void serve(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: MiniYarnDfs STATE_DIR [NODEMANAGERS] [NM_MEMORY_MB] [NM_VCORES]");
            System.exit(2);
        }
        Path state = Path.of(args[0]).toAbsolutePath();
        int nodeManagers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int nmMemoryMb = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        int nmVcores = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Files.createDirectories(state);

        Configuration conf = new YarnConfiguration();
        loopbackOnly(conf);

        // HDFS: one NameNode and one DataNode, data under STATE_DIR/hdfs. MiniDFSCluster puts every
        // NameNode and DataNode address on 127.0.0.1 itself; the settings above say it again.
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, state.resolve("hdfs").toString());
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).nameNodePort(0).nameNodeHttpPort(0)
                .format(true).build();
        dfs.waitActive();
        String fsUri = "hdfs://" + HOST + ":" + dfs.getNameNodePort();
        conf.set("fs.defaultFS", fsUri);
        // World-writable scratch folders: Spark's YARN client stages jars and files under the user's home.
        dfs.getFileSystem().mkdirs(new org.apache.hadoop.fs.Path("/user"));
        dfs.getFileSystem().setPermission(new org.apache.hadoop.fs.Path("/user"),
                new org.apache.hadoop.fs.permission.FsPermission((short) 0777));
        dfs.getFileSystem().mkdirs(new org.apache.hadoop.fs.Path("/tmp"));
        dfs.getFileSystem().setPermission(new org.apache.hadoop.fs.Path("/tmp"),
                new org.apache.hadoop.fs.permission.FsPermission((short) 01777));

        // YARN: containers get what they ask for (no memory checks: the JVMs' own limits apply),
        // a small minimum allocation so an ApplicationMaster and two executors fit, and no
        // disk-utilisation health check (a nearly full disk must not mark the only node unhealthy).
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        conf.setInt(YarnConfiguration.NM_PMEM_MB, nmMemoryMb);
        conf.setInt(YarnConfiguration.NM_VCORES, nmVcores);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 100.0f);
        conf.set("yarn.nodemanager.disk-health-checker.min-free-space-per-disk-mb", "0");
        // One queue, first come first served: no capacity-scheduler.xml needed.
        conf.set(YarnConfiguration.RM_SCHEDULER,
                "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
        // Containers of a killed application are ended at once; logs stay on the node for a while.
        conf.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);
        MiniYARNCluster yarn = new MiniYARNCluster("sweep", 1, nodeManagers, 1, 1);
        yarn.init(conf);
        yarn.start();
        Configuration yc = yarn.getConfig();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // start() may return before the ResourceManager has put its bound port into the configuration.
        while (yc.get(YarnConfiguration.RM_ADDRESS, ":0").endsWith(":0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ResourceManager address still unset after 60 s");
            }
            Thread.sleep(100);
        }
        if (!yarn.waitForNodeManagersToConnect(60_000)) {
            throw new IllegalStateException("NodeManagers did not register within 60 s");
        }

        // The client configuration: where the ResourceManager listens (bound ports, on loopback).
        // Only these keys: the cluster's own configuration carries test-only classes (StaticMapping).
        Configuration client = new Configuration(false);
        for (Map.Entry<String, String> e : yc) {
            String k = e.getKey();
            if (k.startsWith("yarn.resourcemanager.") && (k.endsWith(".address") || k.endsWith(".hostname"))) {
                client.set(k, onLoopback(k, yc.get(k)));
            }
        }
        client.set(YarnConfiguration.RM_SCHEDULER, yc.get(YarnConfiguration.RM_SCHEDULER));
        client.set("fs.defaultFS", fsUri);
        Path confDir = state.resolve("conf");
        Files.createDirectories(confDir);
        writeXml(client, confDir.resolve("yarn-site.xml"));
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", fsUri);
        writeXml(core, confDir.resolve("core-site.xml"));
        Configuration hdfs = new Configuration(false);
        hdfs.set("dfs.replication", "1");
        hdfs.set("dfs.client.use.datanode.hostname", "false");
        writeXml(hdfs, confDir.resolve("hdfs-site.xml"));

        Map<String, String> ready = new TreeMap<>();
        ready.put("fs", fsUri);
        ready.put("rm", client.get(YarnConfiguration.RM_ADDRESS));
        ready.put("webapp", client.get(YarnConfiguration.RM_WEBAPP_ADDRESS, ""));
        ready.put("pid", Long.toString(ProcessHandle.current().pid()));
        StringBuilder b = new StringBuilder();
        ready.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Path tmp = state.resolve("ready.tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, state.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
        System.out.println("minicluster: HDFS " + fsUri + ", YARN ResourceManager " + ready.get("rm")
                + ", " + nodeManagers + " NodeManager(s)");

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                yarn.stop();
            } catch (RuntimeException e) {
                System.err.println("minicluster: stopping YARN: " + e);
            }
            try {
                dfs.shutdown();
            } catch (RuntimeException e) {
                System.err.println("minicluster: stopping HDFS: " + e);
            }
            stop.countDown();
        }, "minicluster-stop"));
        stop.await();
    }

    /** Every server of HDFS and YARN binds to, and advertises, 127.0.0.1. */
    static void loopbackOnly(Configuration conf) {
        for (String k : new String[] {"yarn.resourcemanager.bind-host", "yarn.nodemanager.bind-host",
                "yarn.timeline-service.bind-host", "dfs.namenode.rpc-bind-host", "dfs.namenode.servicerpc-bind-host",
                "dfs.namenode.http-bind-host", "dfs.namenode.https-bind-host", "yarn.sharedcache.bind-host"}) {
            conf.set(k, HOST);
        }
        conf.set(YarnConfiguration.RM_HOSTNAME, HOST);
        conf.set("yarn.nodemanager.hostname", HOST);
        conf.set("dfs.datanode.address", HOST + ":0");
        conf.set("dfs.datanode.http.address", HOST + ":0");
        conf.set("dfs.datanode.ipc.address", HOST + ":0");
        conf.set("dfs.namenode.http-address", HOST + ":0");
        conf.set("dfs.namenode.secondary.http-address", HOST + ":0");
        conf.setBoolean(YarnConfiguration.TIMELINE_SERVICE_ENABLED, false);
        conf.set("hadoop.http.authentication.simple.anonymous.allowed", "true");
    }

    /** An address-valued setting with its host replaced by 127.0.0.1 (the servers bind there). */
    static String onLoopback(String key, String value) {
        if (value == null || !(key.endsWith(".address") || key.endsWith(".address.0"))) {
            return value;
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || value.contains("/") || value.contains(",")) {
            return value;
        }
        return HOST + value.substring(colon);
    }

    static void writeXml(Configuration c, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            c.writeXml(o);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

}
