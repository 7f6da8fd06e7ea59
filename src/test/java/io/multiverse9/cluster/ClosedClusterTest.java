package io.multiverse9.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.Untimed;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC 3, a closed cluster: a token-protected node split over two JVMs (front: node and peer; back: storage), both
 * {@code run --cluster} on loopback with the user's private cluster certificate, and intruders that know its
 * cluster name, port and node name but hold no certificate (issue 26, item 1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VertxExtension.class)
@Untimed
class ClosedClusterTest {

  static final String TOKEN = "closed-cluster-token";

  Path dir;
  List<String> clusterProperties;
  JsonObject settings;
  ClusterJvm front;
  ClusterJvm back;
  int frontPort;
  Redis redis;

  @BeforeAll
  void startTheVictim(Vertx vertx) throws Exception {
    dir = Files.createTempDirectory("mv9-closed-cluster");
    clusterProperties = List.of("-Dmv9.cluster.name=mv9-closed-" + UUID.randomUUID().toString().substring(0, 8),
      "-Dmv9.cluster.port=" + NodeProcess.freePort("127.0.0.1"), "-Dmv9.cluster.members=127.0.0.1");
    List<String> victimProperties = new ArrayList<>(clusterProperties);
    victimProperties.add("-Dmv9.cluster.dir=" + dir.resolve("credential"));
    settings = TestNode.settings(TestRedis.get().uri()).put("trust_loopback", false)
      .put("auth", new JsonObject().put("token", TOKEN));
    back = ClusterJvm.node(dir.resolve("back"), settings.copy().put("roles", new JsonArray().add("storage")),
      victimProperties);
    back.awaitRunning(120_000);
    front = ClusterJvm.node(dir.resolve("front"),
      settings.copy().put("roles", new JsonArray().add("node").add("peer")), victimProperties);
    frontPort = front.awaitListening(120_000);
    redis = Redis.createClient(vertx, TestRedis.get().uri());
  }

  @AfterAll
  void stop() throws Exception {
    if (redis != null) {
      redis.close();
    }
    for (ClusterJvm jvm : new ClusterJvm[] {front, back}) {
      if (jvm != null) {
        jvm.close();
      }
    }
  }

  WireClient victimClient() throws Exception {
    WireClient client = new WireClient("127.0.0.1", frontPort);
    assertEquals(0, client.call(6, TOKEN).status(), "AUTH");
    return client;
  }

  /** A CREATE through the victim's front, retried while its storage JVM's consumers spread through the cluster. */
  String victimCreate(WireClient client, String value) throws Exception {
    return Poll.until("the victim stores", Duration.ofSeconds(30), () -> client.call(1, value),
      created -> created.status() == 0, WireClient.Frame::text).text();
  }

  ClusterJvm intruder(String name, JsonArray roles) throws Exception {
    JsonObject own = settings.copy().put("roles", roles).put("trust_loopback", true)
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", true))
      .put("key_prefix", "intruder:" + UUID.randomUUID().toString().substring(0, 8) + ":");
    own.remove("auth");
    Path settingsFile = ClusterJvm.writeSettings(dir.resolve(name), own);
    return ClusterJvm.start(dir.resolve(name), clusterProperties, Intruder.class.getName(), settingsFile.toString());
  }

  static boolean joinedOrRefused(String line) {
    return line.startsWith("intruder refused") || line.startsWith("intruder joined");
  }

  @Test
  void anIntruderNodeCannotReadOrCreateTheVictimsValues() throws Exception {
    String key;
    try (WireClient client = victimClient()) {
      key = victimCreate(client, "the victim's secret");
    }
    try (ClusterJvm intruder = intruder("intruder-node", new JsonArray().add("node"))) {
      String outcome = intruder.awaitLine(ClosedClusterTest::joinedOrRefused, 120_000);
      assertNotNull(outcome, "the intruder neither joined nor was refused: " + intruder.output());
      System.out.println("[ClosedClusterTest] intruder node: " + outcome);
      if (outcome.startsWith("intruder refused")) {
        return; // it cannot join: nothing of the victim's reaches it
      }
      int port = intruder.awaitListening(10_000);
      try (WireClient through = new WireClient("127.0.0.1", port)) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
          WireClient.Frame read = through.call(3, key);
          assertFalse(read.status() == 0 && read.payload()[0] == 0,
            "the intruder read the victim's value through its own listener");
          WireClient.Frame created = through.call(1, "planted by the intruder");
          assertNotEquals(0, created.status(), "the intruder stored a value in the victim's node");
        }
      }
    }
  }

  @Test
  void anIntruderStorageNeverReceivesTheVictimsCreates() throws Exception {
    try (ClusterJvm intruder = intruder("intruder-storage", new JsonArray().add("storage"));
         WireClient client = victimClient()) {
      String outcome = intruder.awaitLine(ClosedClusterTest::joinedOrRefused, 120_000);
      assertNotNull(outcome, "the intruder neither joined nor was refused: " + intruder.output());
      System.out.println("[ClosedClusterTest] intruder storage: " + outcome);
      // a joined intruder's consumer takes a moment to reach the front: send for a while before concluding
      long until = System.currentTimeMillis() + (outcome.startsWith("intruder joined") ? 20_000 : 0);
      int acknowledged = 0;
      do {
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
          burst.write(WireClient.frame(1, "victim value " + i));
        }
        client.write(burst.toByteArray());
        for (int i = 0; i < 50; i++) {
          WireClient.Frame created = client.readFrame();
          if (created.status() != 0) {
            continue;
          }
          acknowledged++;
          Response stored = redis.send(Request.cmd(Command.EXISTS).arg(settings.getString("key_prefix")
            + created.text())).await();
          assertEquals(1, stored.toInteger(), "CREATE acknowledged OK but not in the victim's Redis: "
            + created.text());
        }
      } while (System.currentTimeMillis() < until);
      assertTrue(acknowledged > 0, "the victim stored nothing");
    }
  }

  @Test
  void aHazelcastClientCannotConnectWithTheClusterNameAlone() {
    String name = clusterProperties.get(0).substring("-Dmv9.cluster.name=".length());
    String port = clusterProperties.get(1).substring("-Dmv9.cluster.port=".length());
    ClientConfig config = new ClientConfig().setClusterName(name);
    config.getNetworkConfig().addAddress("127.0.0.1:" + port).setConnectionTimeout(2_000);
    config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(4_000);
    config.setProperty("hazelcast.logging.type", "jdk");
    HazelcastInstance client = null;
    try {
      client = HazelcastClient.newHazelcastClient(config);
    } catch (IllegalStateException refused) {
      // "Unable to connect to any cluster": the member port speaks the member protocol only
    } finally {
      if (client != null) {
        client.shutdown();
      }
    }
    assertTrue(client == null, "a Hazelcast client read the cluster's maps with its name alone");
  }
}
