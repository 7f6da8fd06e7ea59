package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code redis_uri: "embedded"}: a private redis-server owned by the node, persisted under data_dir (SPEC 2). */
@ExtendWith(VertxExtension.class)
class EmbeddedRedisTest {

  @TempDir
  Path dataDir;

  JsonObject settings() {
    return TestNode.settings("embedded").put("data_dir", dataDir.toString());
  }

  long redisPid() throws Exception {
    return Long.parseLong(Files.readString(dataDir.resolve("redis.pid")).trim());
  }

  static void awaitExit(long pid) throws Exception {
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(15, java.util.concurrent.TimeUnit.SECONDS).join());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "redis-server " + pid + " lives on");
  }


  @Test
  void valuesSurviveARestartAndTheServerStopsWithTheNode(Vertx vertx) throws Exception {
    JsonObject settings = settings();
    String key;
    long pid;
    try (TestNode node = TestNode.start(vertx, settings); WireClient client = node.connect()) {
      key = client.call(1, "persisted").text();
      pid = redisPid();
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      assertTrue(Files.exists(dataDir.resolve("appendonly.aof")) || Files.isDirectory(dataDir.resolve("appendonlydir")),
        "append-only persistence under data_dir");
    }
    awaitExit(pid);

    try (TestNode node = TestNode.start(vertx, settings); WireClient client = node.connect()) {
      assertArrayEquals("persisted".getBytes(), client.foundValue(key));
    }
  }

  @Test
  void theConfigurationFileHoldingThePasswordIsPrivate(Vertx vertx) throws Exception {
    try (TestNode node = TestNode.start(vertx, settings())) {
      var perms = Files.getPosixFilePermissions(dataDir.resolve("redis.conf"));
      assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), perms);
      String cmdline = ProcessHandle.of(redisPid()).orElseThrow().info().commandLine().orElse("");
      assertFalse(cmdline.contains("requirepass"), "the password is not on the command line: " + cmdline);
    }
  }

  @Test
  void aServerLeftBehindByACrashedNodeIsStoppedFirst(Vertx vertx) throws Exception {
    RedisServerProcess leftover = RedisServerProcess.start(dataDir, true); // as if its node had been killed
    long leftoverPid = leftover.pid();
    try (TestNode node = TestNode.start(vertx, settings()); WireClient client = node.connect()) {
      awaitExit(leftoverPid);
      assertEquals(0, client.call(1, "fresh").status());
      assertTrue(redisPid() != leftoverPid);
    } finally {
      leftover.close();
    }
  }
}
