package io.multiverse9.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.multiverse9.cli.Main;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.Untimed;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC 3: clustered on an interface other than loopback without the cluster's certificate, a node does not start. */
@Untimed
class ClusterRefusalTest {

  @TempDir
  Path dir;

  void refusedInOneLine(String... args) throws Exception {
    Path settings = ClusterJvm.writeSettings(dir, TestNode.settings(TestRedis.get().uri()));
    String[] withSettings = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      withSettings[i] = args[i].equals("SETTINGS") ? settings.toString() : args[i];
    }
    // TEST-NET-1: no machine has it, and the node must refuse before trying to bind it
    try (ClusterJvm node = ClusterJvm.start(dir, List.of("-Dmv9.cluster.interface=192.0.2.*"), Main.class.getName(),
      withSettings)) {
      assertEquals(2, node.awaitExit(60_000), String.valueOf(node.output()));
      List<String> lines = node.output().stream().filter(l -> !l.startsWith("SLF4J")).toList();
      assertEquals(1, lines.size(), String.valueOf(lines));
      assertEquals("multiverse9: clustering on interface 192.0.2.* needs the cluster's certificate: set "
        + "-Dmv9.cluster.cert, -Dmv9.cluster.key and -Dmv9.cluster.ca (PEM files; docs/OPERATIONS.md, A closed "
        + "cluster across machines)", lines.get(0));
    }
  }

  @Test
  void runClusterRefusesAnotherInterfaceWithoutTheCertificate() throws Exception {
    refusedInOneLine("run", "--cluster", "-s", "SETTINGS");
  }

  @Test
  void theLauncherRefusesAnotherInterfaceWithoutTheCertificate() throws Exception {
    refusedInOneLine("-conf", "SETTINGS", "-cluster");
  }
}
