package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.WireClient;
import io.multiverse9.support.WireClient.Frame;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Redis that goes away costs clients seconds, not minutes, and the node recovers by itself (SPEC 1.1, 2). */
class RedisOutageTest {

  static final int UNAVAILABLE = 5;

  Vertx vertx;
  @TempDir
  Path dir;
  RedisServerProcess redis;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    redis = RedisServerProcess.start(dir, false);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    redis.close();
  }

  TestNode node() {
    return TestNode.start(vertx, TestNode.settings(redis.uri())
      .put("limits", new JsonObject().put("storage_timeout_ms", 1000)));
  }

  @Test
  void redisDownIsUnavailableThenServedAgainWhenItIsBack() throws Exception {
    TestNode node = node();
    try (WireClient client = node.connect()) {
      assertEquals(0, client.call(1, "before").status());
      String key = client.call(1, "kept").text();

      redis.close();
      long t0 = System.nanoTime();
      Frame create = client.call(1, "during");
      assertEquals(UNAVAILABLE, create.status(), create.text());
      assertTrue(create.text().contains("storage unavailable"), create.text());
      Frame aggregate = client.call(3, key);
      assertEquals(0, aggregate.status(), "AGGREGATE itself succeeds; its local entries say UNAVAILABLE");
      assertEquals(4, aggregate.payload()[0], "entry status UNAVAILABLE");
      assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "answered within seconds");
      assertEquals(0, client.call(5, "ping").status(), "the node itself stays up");

      redis = RedisServerProcess.start(dir, false, redis.port(), redis.password());
      long deadline = System.currentTimeMillis() + 20_000;
      Frame again;
      do {
        again = client.call(1, "after");
        assertTrue(again.status() == 0 || again.status() == UNAVAILABLE, again.text());
        assertTrue(System.currentTimeMillis() < deadline, "the node did not recover: " + again.text());
      } while (again.status() != 0);
    }
  }

  @Test
  void aRedisThatHangsIsUnavailableWithinTheStorageTimeout() throws Exception {
    TestNode node = node();
    try (WireClient client = node.connect()) {
      assertEquals(0, client.call(1, "warm").status());
      new ProcessBuilder("kill", "-STOP", Long.toString(redis.pid())).start().waitFor();
      try {
        long t0 = System.nanoTime();
        Frame create = client.call(1, "stalled");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(UNAVAILABLE, create.status(), create.text());
        assertTrue(ms < 5_000, "took " + ms + " ms with storage_timeout_ms 1000");
      } finally {
        new ProcessBuilder("kill", "-CONT", Long.toString(redis.pid())).start().waitFor();
      }
      long deadline = System.currentTimeMillis() + 20_000;
      while (client.call(1, "resumed").status() != 0) {
        assertTrue(System.currentTimeMillis() < deadline, "the node did not recover after Redis resumed");
      }
    }
  }

  @Test
  void aNodeStartsWhileRedisIsDownAndServesOnceItIsUp() throws Exception {
    int port = redis.port();
    String password = redis.password();
    redis.close();
    TestNode node = node();
    try (WireClient client = node.connect()) {
      assertEquals(UNAVAILABLE, client.call(1, "early").status());
      redis = RedisServerProcess.start(dir, false, port, password);
      long deadline = System.currentTimeMillis() + 20_000;
      while (client.call(1, "late").status() != 0) {
        assertTrue(System.currentTimeMillis() < deadline, "the node never reached Redis");
      }
    }
  }
}
