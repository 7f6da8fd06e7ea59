package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code durability.replicas} (SPEC 2.1) on a Redis master with one replica, both redis-server processes: a write
 * is answered OK only once the replica holds it, one WAIT serves a batch of writes, and a write that fewer replicas
 * confirm than asked for is answered UNAVAILABLE naming how many did, a created value deleted again.
 */
class DurabilityTest {

  static final int OK = 0;
  static final int UNAVAILABLE = 5;
  static final Pattern WAIT_CALLS = Pattern.compile("cmdstat_wait:calls=(\\d+)");

  @TempDir
  Path dir;
  Vertx vertx;
  RedisServerProcess master;
  RedisServerProcess replica;
  Redis onMaster;
  Redis onReplica;

  @BeforeEach
  void startMasterAndReplica() throws Exception {
    vertx = Vertx.vertx();
    master = RedisServerProcess.start(dir.resolve("master"), false);
    replica = RedisServerProcess.start(dir.resolve("replica"), false, 0, master.password(),
      List.of("replicaof 127.0.0.1 " + master.port(), "masterauth " + master.password()));
    onMaster = Redis.createClient(vertx, master.uri());
    onReplica = Redis.createClient(vertx, replica.uri());
    long deadline = System.currentTimeMillis() + 20_000;
    while (!info(onMaster, "replication").contains("connected_slaves:1")
      || !info(onReplica, "replication").contains("master_link_status:up")) {
      assertTrue(System.currentTimeMillis() < deadline, "the replica did not sync: " + info(onReplica, "replication"));
      Thread.sleep(50); // polling the replication state, bounded
    }
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    replica.close();
    master.close();
  }

  static String info(Redis redis, String section) {
    return redis.send(Request.cmd(Command.INFO).arg(section)).await().toString();
  }

  JsonObject settings(int replicas) {
    // one node verticle and one storage verticle: the CREATEs of one read leave as one batch
    return TestNode.settings(master.uri())
      .put("verticles", new JsonObject().put("node", 1).put("storage", 1))
      .put("durability", new JsonObject().put("replicas", replicas).put("timeout_ms", 300));
  }

  long waitCalls() {
    Matcher m = WAIT_CALLS.matcher(info(onMaster, "commandstats"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void pipelinedCreatesAreAnsweredOkOnceTheReplicaHoldsThemWithOneWaitPerBatch() throws Exception {
    int creates = 500;
    try (TestNode node = TestNode.start(vertx, settings(1)); WireClient client = node.connect()) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int i = 0; i < creates; i++) {
        burst.writeBytes(WireClient.frame(1, "replicated " + i));
      }
      client.write(burst.toByteArray());
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < creates; i++) {
        WireClient.Frame answer = client.readFrame();
        assertEquals(OK, answer.status(), answer.text());
        keys.add(answer.text());
      }
      // read on the replica at once, no waiting: an OK means it holds the value already
      Request mget = Request.cmd(Command.MGET);
      keys.forEach(key -> mget.arg(node.settings().keyPrefix() + key));
      Response values = onReplica.send(mget).await();
      for (int i = 0; i < creates; i++) {
        assertEquals("replicated " + i, String.valueOf(values.get(i)), "on the replica: " + keys.get(i));
      }
      long waits = waitCalls();
      System.out.println("[DurabilityTest] " + creates + " pipelined CREATEs confirmed by " + waits + " WAITs");
      assertTrue(waits >= 1 && waits <= creates / 10, "one WAIT per batch, not per CREATE: " + waits);
    }
  }

  @Test
  void aWriteFewerReplicasConfirmIsUnavailableNamingHowManyAndACreatedValueIsDeletedAgain() throws Exception {
    // two replicas asked for, one there: it confirms, and the WAIT ends at durability.timeout_ms
    try (TestNode node = TestNode.start(vertx, settings(2)); WireClient client = node.connect()) {
      String prefix = node.settings().keyPrefix();
      WireClient.Frame created = client.call(1, "not on enough replicas");
      assertEquals(UNAVAILABLE, created.status(), created.text());
      assertTrue(created.text().contains("1 of the 2 replicas it needs confirmed it within 300 ms")
        && created.text().contains("deleted again"), created.text());
      // the prefix's values, not its set of value size classes (ValueSizes)
      Response left = onMaster.send(Request.cmd(Command.KEYS).arg(prefix + "[0-9A-Z]*")).await();
      assertEquals(0, left.size(), "the value not confirmed is gone from the master: " + left);

      String existing = "01JD7Q6W7C4X5S2Z3Y8K9M0N1P";
      onMaster.send(Request.cmd(Command.SET).arg(prefix + existing).arg("v")).await();
      WireClient.Frame removed = client.call(2, existing);
      assertEquals(UNAVAILABLE, removed.status(), removed.text());
      assertTrue(removed.text().contains("1 of the 2 replicas") && removed.text().contains("may not survive a failover"),
        removed.text());
      assertEquals(0, onMaster.send(Request.cmd(Command.EXISTS).arg(prefix + existing)).await().toInteger(),
        "the removal itself happened on the master");
    }
    // one replica asked for: the same REMOVE is confirmed and counted
    try (TestNode node = TestNode.start(vertx, settings(1)); WireClient client = node.connect()) {
      String key = client.call(1, "kept").text();
      WireClient.Frame removed = client.call(2, key);
      assertEquals(OK, removed.status(), removed.text());
      assertEquals(1, ByteBuffer.wrap(removed.payload()).getInt());
    }
  }

  @Test
  void aChangeOfDurabilityAppliesLiveOnTheSameConnection() throws Exception {
    Path file = dir.resolve("settings.json");
    JsonObject settings = settings(2).put("config_scan_ms", 100);
    Files.writeString(file, settings.encodePrettily());
    try (TestNode node = TestNode.watching(vertx, file); WireClient client = node.connect()) {
      WireClient.Frame refused = client.call(1, "two replicas asked of one");
      assertEquals(UNAVAILABLE, refused.status(), refused.text());

      Path next = dir.resolve("settings.tmp");
      Files.writeString(next, settings.put("durability", new JsonObject().put("replicas", 1)).encodePrettily());
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.currentTimeMillis() + 10_000;
      WireClient.Frame answer = client.call(1, "one replica asked of one");
      while (answer.status() != OK) {
        assertEquals(UNAVAILABLE, answer.status(), answer.text());
        assertTrue(System.currentTimeMillis() < deadline, "durability.replicas 1 never applied: " + answer.text());
        Thread.sleep(50); // polling until the next scan applied the change, bounded
        answer = client.call(1, "one replica asked of one");
      }
    }
  }
}
