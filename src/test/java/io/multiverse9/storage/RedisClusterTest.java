package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage on a three-master Redis Cluster built by the test from redis-server processes ({@code redis.type}). */
class RedisClusterTest {

  static final String PASSWORD = "cluster-test-password";

  @TempDir
  Path dir;
  Vertx vertx;
  final List<RedisServerProcess> masters = new ArrayList<>();

  /** A port whose cluster bus port (+10000) is free too. */
  static int clusterPort() throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20000 + (int) (Math.random() * 30000);
      try (ServerSocket a = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
           ServerSocket b = new ServerSocket(port + 10000, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (java.io.IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free pair of ports");
  }

  @BeforeEach
  void startCluster() throws Exception {
    vertx = Vertx.vertx();
    for (int i = 0; i < 3; i++) {
      masters.add(RedisServerProcess.start(dir.resolve("m" + i), false, clusterPort(), PASSWORD,
        List.of("cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 5000")));
    }
    // slots 0-5460, 5461-10922, 10923-16383, then every master meets the first
    int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
    for (int i = 0; i < 3; i++) {
      Redis admin = Redis.createClient(vertx, masters.get(i).uri());
      Request addSlots = Request.cmd(Command.CLUSTER).arg("ADDSLOTS");
      for (int slot = ranges[i][0]; slot <= ranges[i][1]; slot++) {
        addSlots.arg(slot);
      }
      admin.send(addSlots).await();
      if (i > 0) {
        admin.send(Request.cmd(Command.CLUSTER).arg("MEET").arg("127.0.0.1").arg(masters.get(0).port())).await();
      }
      admin.close();
    }
    // every master, not only the first, must see the whole cluster: until gossip reaches it, a master may answer
    // a command for a slot it does not know with CLUSTERDOWN, and the node's request times out
    long deadline = System.currentTimeMillis() + 30_000;
    for (RedisServerProcess master : masters) {
      Redis admin = Redis.createClient(vertx, master.uri());
      while (!clusterFormed(admin)) {
        assertTrue(System.currentTimeMillis() < deadline, "the cluster did not form on port " + master.port());
        Thread.sleep(100); // polling the cluster state, bounded
      }
      admin.close();
    }
  }

  private static boolean clusterFormed(Redis admin) {
    String info = admin.send(Request.cmd(Command.CLUSTER).arg("INFO")).await().toString();
    return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3");
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    masters.forEach(RedisServerProcess::close);
  }

  /** A node's settings with the three masters as its Redis Cluster. */
  JsonObject clusterSettings() {
    JsonArray endpoints = new JsonArray();
    masters.forEach(m -> endpoints.add(m.uri()));
    return TestNode.settings(masters.get(0).uri())
      .put("redis", new JsonObject().put("type", "cluster").put("endpoints", endpoints));
  }

  @Test
  void valuesSpreadOverThreeMastersAndComeBackTogether() throws Exception {
    JsonObject settings = clusterSettings();
    try (TestNode node = TestNode.start(vertx, settings); WireClient client = node.connect()) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        WireClient.Frame created = client.call(1, "value-" + i);
        assertEquals(0, created.status(), created.text());
        keys.add(created.text());
      }
      // the keys live on every master
      for (RedisServerProcess master : masters) {
        Redis redis = Redis.createClient(vertx, master.uri());
        long owned = redis.send(Request.cmd(Command.DBSIZE)).await().toLong();
        redis.close();
        assertTrue(owned > 0, "master on port " + master.port() + " holds none of the keys");
      }
      WireClient.Frame aggregate = client.call(3, String.join("\0", keys));
      assertEquals(0, aggregate.status(), aggregate.text());
      ByteBuffer in = ByteBuffer.wrap(aggregate.payload());
      for (int i = 0; i < keys.size(); i++) {
        assertEquals(0, in.get(), "FOUND " + keys.get(i));
        in.position(in.position() + 2 + 26);
        byte[] data = new byte[in.getInt()];
        in.get(data);
        assertArrayEquals(("value-" + i).getBytes(), data);
      }
      WireClient.Frame removed = client.call(2, String.join("\0", keys));
      assertEquals(0, removed.status(), removed.text());
      assertEquals(60, ByteBuffer.wrap(removed.payload()).getInt(), "removed across all masters");
    }
  }

  @Test
  void pipelinedAggregatesOfManyKeysAreAllAnsweredAlthoughTheyAskForMoreThanTheClientTakesAtOnce() throws Exception {
    // each key is one GET on a cluster; eight AGGREGATEs of max_targets keys are 32,768 GETs, about 11,000 per
    // master, where the Redis client refuses any past RedisOptionsFactory.MAX_WAITING_HANDLERS on a connection
    JsonObject settings = clusterSettings();
    int aggregates = 8;
    int targets = io.multiverse9.config.Limits.DEFAULT_MAX_TARGETS;
    try (TestNode node = TestNode.start(vertx, settings); WireClient client = node.connect()) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < targets; i++) {
        keys.add(com.github.f4b6a3.ulid.UlidCreator.getUlid().toString());
      }
      byte[] frame = WireClient.frame(3, String.join("\0", keys));
      for (int i = 0; i < aggregates; i++) {
        client.write(frame);
      }
      for (int i = 0; i < aggregates; i++) {
        WireClient.Frame answer = client.readFrame();
        assertEquals(0, answer.status(), answer.text());
        ByteBuffer in = ByteBuffer.wrap(answer.payload());
        for (int k = 0; k < targets; k++) {
          int status = in.get();
          in.position(in.position() + 2 + 26);
          byte[] data = new byte[in.getInt()];
          in.get(data);
          assertEquals(1, status, "NOT_FOUND for key " + k + " of AGGREGATE " + i + ", not: " + new String(data));
        }
        assertEquals(0, in.remaining());
      }
    }
  }
}
