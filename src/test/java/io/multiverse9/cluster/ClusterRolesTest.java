package io.multiverse9.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.cli.ClusterDefaults;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.Untimed;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two clustered Vert.x instances on loopback (Hazelcast, TCP-IP join, a closed cluster: TLS event bus): one runs
 * only the node's listener, the other only its storage. A CREATE received by the first is stored by the second's StorageVerticle.
 */
@Untimed
class ClusterRolesTest {

  /** A member of the test's closed cluster, with the private certificate of a directory of the test's own. */
  static Vertx clustered() throws Exception {
    ClusterDefaults.apply();
    System.setProperty("mv9.cluster.name", "mv9-test-" + CLUSTER);
    System.setProperty("mv9.cluster.dir", CREDENTIAL.toString());
    System.setProperty(ClusterJvm.WAIT_BEFORE_JOIN, "1");
    System.setProperty(ClusterJvm.PARTITION_COUNT, ClusterJvm.PARTITIONS);
    ClosedCluster cluster = ClosedCluster.join(System::getProperty);
    return Vertx.builder().with(cluster.secureEventBus(new VertxOptions())).withClusterManager(cluster.clusterManager())
      .buildClustered().await(120, TimeUnit.SECONDS);
  }

  static final Path CREDENTIAL = Path.of(System.getProperty("java.io.tmpdir"), "mv9-test-credential-"
    + UUID.randomUUID());

  static final String CLUSTER = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aCreateReceivedByOneJvmIsStoredByTheOther() throws Exception {
    Vertx front = clustered();
    Vertx back = clustered();
    Redis redis = Redis.createClient(back, TestRedis.get().uri());
    try {
      JsonObject settings = TestNode.settings(TestRedis.get().uri());
      TestNode.start(back, settings.copy().put("roles", new JsonArray().add("storage")));
      TestNode node = TestNode.start(front, settings.copy().put("roles", new JsonArray().add("node").add("peer")));
      try (WireClient client = node.connect()) {
        // subscriptions spread through the cluster shortly after deployment: poll until storage is reached
        WireClient.Frame created = Poll.until("storage is reached", Duration.ofSeconds(30), () -> {
          WireClient.Frame answer = client.call(1, "stored across JVMs");
          assertTrue(answer.status() == 0 || answer.status() == 5, answer.text());
          return answer;
        }, answer -> answer.status() == 0, WireClient.Frame::text);
        String key = created.text();
        Response stored = redis.send(Request.cmd(Command.GET).arg(settings.getString("key_prefix") + key)).await();
        assertEquals("stored across JVMs", stored.toString());

        WireClient.Frame aggregate = client.call(3, key);
        ByteBuffer in = ByteBuffer.wrap(aggregate.payload());
        assertEquals(0, in.get(), "FOUND through the other JVM");
        in.position(in.position() + 2 + 26);
        byte[] data = new byte[in.getInt()];
        in.get(data);
        assertArrayEquals("stored across JVMs".getBytes(), data);

        // a pipelined burst reaches the other JVM's storage as batches (encoded, not by reference)
        java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
          burst.write(WireClient.frame(1, "burst " + i));
          burst.write(WireClient.frame(3, key));
        }
        client.write(burst.toByteArray());
        for (int i = 0; i < 20; i++) {
          WireClient.Frame burstCreate = client.readFrame();
          assertEquals(0, burstCreate.status(), burstCreate.text());
          Response value = redis.send(Request.cmd(Command.GET)
            .arg(settings.getString("key_prefix") + burstCreate.text())).await();
          assertEquals("burst " + i, value.toString());
          WireClient.Frame burstAggregate = client.readFrame();
          assertEquals(0, burstAggregate.status());
          assertEquals(0, burstAggregate.payload()[0], "FOUND");
        }
      }
    } finally {
      redis.close();
      front.close().await(60, TimeUnit.SECONDS);
      back.close().await(60, TimeUnit.SECONDS);
    }
  }
}
