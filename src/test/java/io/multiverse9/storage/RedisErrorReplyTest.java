package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.WireClient;
import io.multiverse9.support.WireClient.Frame;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis error reply fails only the command it answers (SPEC 2): with Redis at maxmemory and noeviction, SETs are
 * refused with OOM while reads and UNLINKs still work, and the requests that share a pipelined batch with the
 * refused CREATEs get their own answers.
 */
@ExtendWith(VertxExtension.class)
class RedisErrorReplyTest {

  static final int OK = 0;
  static final int UNAVAILABLE = 5;
  static final int FOUND = 0;
  static final int NOT_FOUND = 1;

  @TempDir
  Path dir;
  RedisServerProcess redis;
  Redis direct;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    redis = RedisServerProcess.start(dir, false);
    direct = Redis.createClient(vertx, redis.uri());
  }

  @AfterEach
  void stop() {
    direct.close();
    redis.close();
  }

  @Test
  void readsAndRemovesBesideCreatesRefusedWithOomGetTheirOwnAnswers(Vertx vertx) throws Exception {
    // one node verticle and one storage verticle: what the connections send at once is one turn, one batch
    TestNode node = TestNode.start(vertx, TestNode.settings(redis.uri())
      .put("verticles", new JsonObject().put("node", 1).put("storage", 1)));
    int pairs = 30;
    int removes = 8;
    List<String> kept = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    try (WireClient setup = node.connect()) {
      for (int i = 0; i < pairs; i++) {
        kept.add(created(setup.call(1, "kept " + i)));
      }
      for (int i = 0; i < removes; i++) {
        removed.add(created(setup.call(1, "removed " + i)));
      }
    }
    config("maxmemory-policy", "noeviction");
    config("maxmemory", "1"); // below what Redis already uses: every SET is refused, reads and UNLINKs are not

    List<WireClient> removers = new ArrayList<>();
    try (WireClient mixed = node.connect()) {
      for (int i = 0; i < removes; i++) {
        removers.add(node.connect());
      }
      // everything written before anything is read: AGGREGATEs and CREATEs interleaved on one connection (they
      // run side by side), one REMOVE on each of the others (a REMOVE waits for what came before it on its own)
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int i = 0; i < pairs; i++) {
        burst.write(WireClient.frame(3, kept.get(i)));
        burst.write(WireClient.frame(1, "refused " + i));
      }
      for (int i = 0; i < removes; i++) {
        removers.get(i).write(WireClient.frame(2, removed.get(i)));
      }
      mixed.write(burst.toByteArray());

      for (int i = 0; i < pairs; i++) {
        Frame read = mixed.readFrame();
        assertEquals(OK, read.status(), read.text());
        assertEntry(read.payload(), kept.get(i), FOUND, "kept " + i);
        Frame refused = mixed.readFrame();
        assertEquals(UNAVAILABLE, refused.status(), "CREATE " + i + ": " + refused.text());
        assertTrue(refused.text().contains("OOM"), "the refusal names Redis's reason: " + refused.text());
      }
      for (int i = 0; i < removes; i++) {
        Frame count = removers.get(i).readFrame();
        assertEquals(OK, count.status(), "REMOVE " + i + ", which Redis applied: " + count.text());
        assertEquals(1, ByteBuffer.wrap(count.payload()).getInt(), "REMOVE " + i + " counts its key");
      }
      for (String key : removed) {
        Frame gone = mixed.call(3, key);
        assertEntry(gone.payload(), key, NOT_FOUND, "");
      }
    } finally {
      for (WireClient remover : removers) {
        remover.close();
      }
    }
  }

  static String created(Frame frame) {
    assertEquals(OK, frame.status(), frame.text());
    return frame.text();
  }

  static void assertEntry(byte[] payload, String key, int status, String value) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    String what = "the entry of " + key + ": " + new String(payload, StandardCharsets.UTF_8);
    assertEquals(status, in.get(), what);
    byte[] target = new byte[in.getShort()];
    in.get(target);
    assertEquals(key, new String(target, StandardCharsets.US_ASCII));
    byte[] data = new byte[in.getInt()];
    in.get(data);
    assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), data, what);
    assertEquals(0, in.remaining(), "one entry");
  }

  void config(String name, String value) {
    direct.send(Request.cmd(Command.CONFIG).arg("SET").arg(name).arg(value)).await();
  }
}
