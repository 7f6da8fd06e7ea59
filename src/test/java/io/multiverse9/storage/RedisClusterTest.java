package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.RedisClusterGroup;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.Untimed;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage on a three-master Redis Cluster built by the test from redis-server processes ({@code redis.type}). */
@Untimed
class RedisClusterTest {

  @TempDir
  Path dir;
  Vertx vertx;
  RedisClusterGroup cluster;

  @BeforeEach
  void startCluster() throws Exception {
    vertx = Vertx.vertx();
    cluster = RedisClusterGroup.start(vertx, dir, 3, 0, 5000);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    cluster.close();
  }

  /** A node's settings with the three masters as its Redis Cluster. */
  JsonObject clusterSettings() {
    return TestNode.settings(cluster.masters().get(0).uri()).put("redis", cluster.nodeRedisSettings());
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
      for (RedisServerProcess master : cluster.masters()) {
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
