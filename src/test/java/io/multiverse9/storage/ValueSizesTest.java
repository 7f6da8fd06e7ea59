package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.f4b6a3.ulid.UlidCreator;
import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bounded read (SPEC 1.6, requests already read) against a real Redis: the size classes that let storage read an
 * AGGREGATE with one MGET are recorded before their values, found in a prefix that held values before they were,
 * and a read over its bound holds none of its values whole and says what they come to.
 */
@ExtendWith(VertxExtension.class)
class ValueSizesTest {

  private Vertx vertx;
  private Redis direct;
  private String prefix;
  private Settings settings;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    direct = Redis.createClient(vertx, TestRedis.get().uri());
    prefix = "sizes-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    settings = new SettingsParser(warning -> { }).parse(TestNode.settings(TestRedis.get().uri())
      .put("key_prefix", prefix));
  }

  @Test
  void theClassOfAValueIsInRedisOnceItsCreateIsAnswered() throws Exception {
    deploy();
    awaitRead(); // until then every CREATE records its class: nothing is known of what Redis holds
    String key = call(storage -> storage.create(Buffer.buffer(new byte[1000])));
    assertEquals(Set.of("10"), classes(), "1000 bytes are class 10 (up to 1024)");
    call(storage -> storage.create(Buffer.buffer(new byte[3])));
    assertEquals(Set.of("10"), classes(), "a smaller value adds no class");
    call(storage -> storage.create(Buffer.buffer(new byte[70_000])));
    assertEquals(Set.of("10", "17"), classes());
    assertEquals(1000, ((StorageReply.Values) call(storage -> storage.fetch(KeyBytes.of(key), 1 << 20))).values()
      .get(0).length());
  }

  @Test
  void aPrefixThatHeldValuesBeforeClassesWereRecordedIsScannedOnce() throws Exception {
    String old = UlidCreator.getMonotonicUlid().toString();
    redis(Request.cmd(Command.SET).arg(prefix + old).arg(Buffer.buffer(new byte[5000])));
    deploy();
    Poll.until("a class is recorded for the old value", Duration.ofSeconds(10), this::classes,
      found -> found.contains("13"));
    // read within 4 KiB: cut, measured, not held
    StorageReply over = call(storage -> storage.fetch(KeyBytes.of(old), 4096));
    assertEquals(new StorageReply.OverLimit(5000), over);
  }

  @Test
  void aReadOverItsBoundSaysWhatItsValuesComeToAndAReadWithinItGetsThemAll() throws Exception {
    deploy();
    String large = call(storage -> storage.create(Buffer.buffer(filled(100_000, 'L'))));
    String small = call(storage -> storage.create(Buffer.buffer(filled(10, 's'))));
    String missing = UlidCreator.getMonotonicUlid().toString();
    KeyBytes keys = KeyBytes.of(small, missing, large, small);
    assertEquals(new StorageReply.OverLimit(100_020), call(storage -> storage.fetch(keys, 50_000)));
    StorageReply within = call(storage -> storage.fetch(keys, 100_020));
    List<Buffer> values = assertInstanceOf(StorageReply.Values.class, within).values();
    assertEquals(Buffer.buffer(filled(10, 's')), values.get(0));
    assertNull(values.get(1), "a missing key");
    assertEquals(Buffer.buffer(filled(100_000, 'L')), values.get(2));
    assertEquals(Buffer.buffer(filled(10, 's')), values.get(3));
  }

  private static byte[] filled(int length, char c) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) c);
    return bytes;
  }

  private void deploy() throws Exception {
    vertx.deployVerticle(new StorageVerticle(settings, StorageMeters.NONE)).await(30, TimeUnit.SECONDS);
  }

  /** Until storage has read the prefix's classes: a fresh prefix is scanned, and the scan recorded as -1. */
  private void awaitRead() throws Exception {
    Poll.until("storage reads the prefix's size classes", Duration.ofSeconds(10),
      () -> redis(Request.cmd(Command.SISMEMBER).arg(prefix + "!value-sizes").arg(-1)).toBoolean());
    // the verticle learns it when the SADD is answered: one storage round trip after Redis has it
    call(storage -> storage.ping());
  }

  private <T> T call(Function<StorageClient, Future<T>> call) throws Exception {
    Promise<T> done = Promise.promise();
    vertx.runOnContext(v -> call.apply(new StorageClient(vertx, StorageVerticle.address(settings),
      settings.limits().storageTimeoutMs())).onComplete(done));
    return done.future().await(30, TimeUnit.SECONDS);
  }

  private Set<String> classes() throws Exception {
    Set<String> found = new TreeSet<>();
    Response members = redis(Request.cmd(Command.SMEMBERS).arg(prefix + "!value-sizes"));
    members.forEach(member -> found.add(member.toString()));
    found.remove("-1"); // what a scan of a prefix without values records, so that it is not scanned again
    return found;
  }

  private Response redis(Request request) throws Exception {
    return direct.send(request).await(10, TimeUnit.SECONDS);
  }
}
