package org.sweep.driver.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layering of Spark settings: project defaults < spark-defaults.conf < system properties < bin/sweep. */
class SparkSessionsTest {
    private static final List<String> PROPS = List.of("spark.task.maxFailures", "spark.executor.extraJavaOptions",
            "spark.driver.host", "spark.master", "spark.sql.shuffle.partitions");

    @AfterEach
    void clearProperties() {
        PROPS.forEach(System::clearProperty);
    }

    @Test
    void systemPropertiesWinOverDefaultsAndBinSweepOptionsWinOverThem() {
        assertEquals("4", SparkSessions.settings("local[1]", false, null, Map.of()).get("spark.task.maxFailures"));
        System.setProperty("spark.task.maxFailures", "9");
        System.setProperty("spark.sql.shuffle.partitions", "3");
        Map<String, String> s = SparkSessions.settings("local[1]", false, null, Map.of());
        assertEquals("9", s.get("spark.task.maxFailures"));
        assertEquals("3", s.get("spark.sql.shuffle.partitions"));
        assertEquals("5", SparkSessions.settings("local[1]", false, null, Map.of("spark.task.maxFailures", "5"))
                .get("spark.task.maxFailures"));
    }

    @Test
    void executorJavaOptionsAreJoinedNotReplaced() {
        System.setProperty("spark.executor.extraJavaOptions", "-Dmine=1");
        String opts = SparkSessions.settings("yarn", false, null, Map.of()).get("spark.executor.extraJavaOptions");
        assertEquals(SparkSessions.EXECUTOR_JAVA_OPTIONS + " -Dmine=1", opts);
    }

    @Test
    void loopbackStaysForMastersOnThisMachineOnly() {
        System.setProperty("spark.driver.host", "10.1.2.3");
        assertEquals("127.0.0.1", SparkSessions.settings("local[2]", false, null, Map.of()).get("spark.driver.host"));
        assertEquals("127.0.0.1", SparkSessions.settings("spark://127.0.0.1:7077", false, null, Map.of())
                .get("spark.driver.host"));
        assertEquals("10.1.2.3", SparkSessions.settings("yarn", false, null, Map.of()).get("spark.driver.host"));
        System.clearProperty("spark.driver.host");
        // Cluster deploy mode: the resource manager places the driver; no address is imposed.
        Map<String, String> cm = SparkSessions.settings("yarn", false, null, Map.of("spark.submit.deployMode", "cluster"));
        assertNull(cm.get("spark.driver.host"));
        assertNull(cm.get("spark.executorEnv.SPARK_LOCAL_IP"));
        assertEquals("yarn", cm.get("spark.master"));
    }

    @Test
    void defaultMasterComesFromSparkSubmitElseLocal() {
        assertEquals("local[*]", SparkSessions.defaultMaster());
        System.setProperty("spark.master", "yarn");
        assertEquals("yarn", SparkSessions.defaultMaster());
    }

    @Test
    void sparkDefaultsConfIsFoundAndReadAsSparkSubmitReadsIt(@TempDir Path dir) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path home = Files.createDirectories(dir.resolve("home/conf"));
        Files.writeString(conf.resolve("spark-defaults.conf"), """
                # comment
                spark.master                 yarn
                spark.executor.memory=3g
                spark.yarn.jars  local:/opt/jars/*\t
                not.spark.key  ignored
                """);
        Files.writeString(home.resolve("spark-defaults.conf"), "spark.master local[3]\n");
        assertEquals(conf.resolve("spark-defaults.conf"), SparkSessions.defaultsFile(Map.of("SPARK_CONF_DIR",
                conf.toString(), "SPARK_HOME", dir.resolve("home").toString())));
        assertEquals(home.resolve("spark-defaults.conf"), SparkSessions.defaultsFile(Map.of("SPARK_HOME",
                dir.resolve("home").toString())));
        assertNull(SparkSessions.defaultsFile(Map.of("SPARK_CONF_DIR", dir.resolve("none").toString())));
        assertNull(SparkSessions.defaultsFile(Map.of()));
        Map<String, String> m = SparkSessions.readDefaults(conf.resolve("spark-defaults.conf"));
        assertEquals(Map.of("spark.master", "yarn", "spark.executor.memory", "3g", "spark.yarn.jars", "local:/opt/jars/*"), m);
        assertFalse(m.containsKey("not.spark.key"));
    }

    @Test
    void appJarIsShippedForClusterMastersOnly() {
        assertFalse(SparkSessions.needsAppJar("local[*]"));
        assertFalse(SparkSessions.needsAppJar("local"));
        assertEquals(true, SparkSessions.needsAppJar("yarn"));
        assertEquals(true, SparkSessions.needsAppJar("k8s://https://127.0.0.1:6443"));
        assertEquals(true, SparkSessions.needsAppJar("spark://127.0.0.1:7077"));
    }
}
