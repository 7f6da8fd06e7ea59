package io.multiverse9.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.storage.DataDirLock;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.Untimed;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node owns a data_dir (SPEC 5): a second node pointed at it refuses to start, naming the directory and the
 * node that holds it, and never touches the running node's Redis; a node that was killed leaves the directory to
 * the next one.
 */
@ExtendWith(VertxExtension.class)
@Untimed
class OneNodePerDataDirTest {

  static final int OK = 0;

  @TempDir
  Path dir;

  JsonObject settings(String name, int port) {
    return new JsonObject().put("name", name).put("redis_uri", "embedded").put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", false))
      .put("addr", "127.0.0.1:" + port).put("nodes", new JsonArray())
      .put("data_dir", dataDir().toString());
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  long redisPid() throws Exception {
    return Long.parseLong(Files.readString(dataDir().resolve("redis.pid")).trim());
  }

  @Test
  void aSecondNodeOnTheSameDataDirRefusesToStartAndLeavesTheFirstNodeServing() throws Exception {
    int port = NodeProcess.freePort("127.0.0.1");
    try (NodeProcess first = NodeProcess.start(dir.resolve("first"), settings("multiverse9_first", port));
         WireClient client = new WireClient(first.host(), first.port())) {
      String key = client.call(1, "stored by the first node").text();
      long redisPid = redisPid();

      // the same data_dir and addr, as when the same settings are run twice; another name, to tell them apart
      Path secondDir = Files.createDirectories(dir.resolve("second"));
      Path secondSettings = secondDir.resolve("settings.json");
      Files.writeString(secondSettings, settings("multiverse9_second", port).encodePrettily());
      Process second = NodeProcess.java(secondDir, "run", "-s", secondSettings.toString());
      assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second node did not give up");
      List<String> said = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertNotEquals(0, second.exitValue(), "refused: " + said);
      assertEquals(1, said.size(), "one line: " + said);
      String refusal = said.get(0);
      assertTrue(refusal.contains("data_dir " + dataDir().toAbsolutePath()) && refusal.contains("multiverse9_first")
        && refusal.contains("pid " + first.process().pid()) && refusal.contains("addr 127.0.0.1:" + port)
        && refusal.contains("another data_dir"), "names the directory and the node holding it: " + refusal);

      assertEquals(redisPid, redisPid(), "the first node's redis-server is untouched");
      assertTrue(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false), "and still runs");
      WireClient.Frame created = client.call(1, "stored after the refusal");
      assertEquals(OK, created.status(), created.text());
      WireClient.Frame aggregate = client.call(3, key);
      assertEquals(OK, aggregate.status(), aggregate.text());
      assertEquals(0, aggregate.payload()[0], "FOUND: " + aggregate.text());
    }
  }

  @Test
  void aNodeKilledWithSigkillLeavesTheDataDirToTheNextNode() throws Exception {
    int port = NodeProcess.freePort("127.0.0.1");
    String key;
    long leftover;
    NodeProcess killed = NodeProcess.start(dir.resolve("killed"), settings("multiverse9_killed", port));
    try (WireClient client = new WireClient(killed.host(), killed.port())) {
      key = client.call(1, "written before the kill").text();
      leftover = redisPid();
    } finally {
      killed.kill(); // its redis-server runs on; the OS released the lock with the process
    }
    try (NodeProcess next = NodeProcess.start(dir.resolve("next"), settings("multiverse9_next", port));
         WireClient client = new WireClient(next.host(), next.port())) {
      assertTrue(next.output().stream().anyMatch(line -> line.contains("stopping redis-server (pid " + leftover)),
        "the leftover server is stopped: " + next.output());
      assertNotEquals(leftover, redisPid());
      WireClient.Frame aggregate = client.call(3, key);
      assertEquals(0, aggregate.payload()[0], "the key written before the kill is there: " + aggregate.text());
    }
  }

  @Test
  void withinOneJvmASecondNodeIsRefusedTooAndTheDataDirIsFreeOnceTheFirstStops(Vertx vertx) throws Exception {
    JsonObject settings = TestNode.settings("embedded").put("data_dir", dataDir().toString());
    try (TestNode first = TestNode.start(vertx, settings); WireClient client = first.connect()) {
      long redisPid = redisPid();
      JsonObject other = TestNode.settings("embedded").put("data_dir", dataDir().toString());
      DataDirLock.HeldByAnotherNode refusal = assertThrows(DataDirLock.HeldByAnotherNode.class,
        () -> TestNode.start(vertx, other));
      assertTrue(refusal.getMessage().contains(settings.getString("name")), refusal.getMessage());
      assertEquals(redisPid, redisPid());
      assertEquals(OK, client.call(1, "still served").status());
    }
    try (TestNode again = TestNode.start(vertx, settings); WireClient client = again.connect()) {
      assertEquals(OK, client.call(1, "the directory was given up").status());
    }
  }
}
