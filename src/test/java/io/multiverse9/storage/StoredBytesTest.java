package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.WireClient;
import io.multiverse9.support.WireClient.Frame;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a node writes really lands in Redis, byte for byte, under its prefix (SPEC 2). */
@ExtendWith(VertxExtension.class)
class StoredBytesTest {

  static TestNode node;
  static Redis redis;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri()));
    redis = Redis.createClient(vertx, TestRedis.get().uri());
  }

  @AfterAll
  static void stop() {
    node.close();
    redis.close();
  }

  static byte[] redisGet(String key) {
    Response value = redis.send(Request.cmd(Command.GET).arg(key)).await();
    return value == null ? null : value.toBuffer().getBytes();
  }

  static byte[] aggregateOne(WireClient client, String key) throws Exception {
    Frame reply = client.call(3, key);
    assertEquals(0, reply.status());
    ByteBuffer in = ByteBuffer.wrap(reply.payload());
    assertEquals(0, in.get(), "FOUND");
    in.position(in.position() + 2 + key.length());
    byte[] data = new byte[in.getInt()];
    in.get(data);
    assertEquals(0, in.remaining(), "one entry only");
    return data;
  }

  @Test
  void valueLandsUnderThePrefixAndIsGoneAfterRemove() throws Exception {
    byte[] value = {0x00, (byte) 0xFF, 0x00, 'a', (byte) 0x80, '\n', '\r', 0x00};
    try (WireClient client = node.connect()) {
      Frame created = client.call(1, value);
      String key = created.text();
      String redisKey = node.settings().keyPrefix() + key;
      assertArrayEquals(value, redisGet(redisKey), "Redis holds exactly the bytes sent");
      assertArrayEquals(value, aggregateOne(client, key));

      assertEquals(0, client.call(2, key).status());
      assertNull(redisGet(redisKey), "REMOVE deleted the Redis key");
    }
  }

  @Test
  void oneMebibyteValueRoundTripsExactly() throws Exception {
    byte[] value = new byte[1024 * 1024];
    new Random(42).nextBytes(value);
    value[0] = 0;
    value[value.length - 1] = (byte) 0xFF;
    try (WireClient client = node.connect()) {
      String key = client.call(1, value).text();
      assertArrayEquals(value, aggregateOne(client, key));
      assertArrayEquals(value, redisGet(node.settings().keyPrefix() + key));
    }
  }

  @Test
  void existingRedisKeysOutsideThePrefixAreInvisible() throws Exception {
    String key = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    redis.send(Request.cmd(Command.SET).arg(key).arg("not ours")).await();
    try (WireClient client = node.connect()) {
      Frame reply = client.call(3, key);
      assertEquals(1, reply.payload()[0], "NOT_FOUND: only keys under the node's prefix are its own");
    }
  }
}
