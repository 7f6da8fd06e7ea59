package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.WireClient;
import io.multiverse9.support.WireClient.Frame;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A Redis that goes away costs clients seconds, not minutes, and the node recovers by itself (SPEC 1.1, 2). */
@ExtendWith(VertxExtension.class)
class RedisOutageTest {

  static final int UNAVAILABLE = 5;

  Vertx vertx;
  @TempDir
  Path dir;
  RedisServerProcess redis;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    redis = RedisServerProcess.start(dir, false);
  }

  @AfterEach
  void stop() {
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
      awaitServedAgain(client, Duration.ofSeconds(20), "the node recovers");
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
      Poll.until("the node recovers after Redis resumed", Duration.ofSeconds(20), () -> client.call(1, "resumed"),
        answer -> answer.status() == 0, Frame::text);
    }
  }

  /**
   * A batch Redis leaves unanswered fails storage_timeout_ms after it was sent, also when it was sent while the
   * timer was set for an older batch that Redis did answer: that timer, finding nothing overdue, waits again for the
   * later batch's own deadline. Once Redis answers again requests succeed.
   */
  @Test
  void anUnansweredBatchFailsAtItsOwnDeadlineThenTheNodeIsServedAgain() throws Exception {
    TestNode node = node();
    Redis direct = Redis.createClient(vertx, redis.uri());
    try (WireClient client = node.connect()) {
      String key = client.call(1, "stored").text();
      // writes wait until the pause ends, reads are answered: the AGGREGATE sets the timer and is answered
      direct.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(3000).arg("WRITE")).await();
      assertEquals(0, client.call(3, key).status(), "a read is answered during a pause of writes");
      Thread.sleep(400); // not a synchronisation: the write must leave well after the timer was set for the read
      long sent = System.nanoTime();
      Frame stalled = client.call(1, "stalled");
      long ms = (System.nanoTime() - sent) / 1_000_000;
      assertEquals(UNAVAILABLE, stalled.status(), stalled.text());
      assertTrue(stalled.text().contains("did not answer within 1000 ms (limits.storage_timeout_ms)"),
        stalled.text());
      // at the read's deadline it would fail after ~600 ms; with no deadline it would succeed after the pause
      assertTrue(ms >= 950 && ms < 2900, "the write failed after " + ms + " ms");

      awaitServedAgain(client, Duration.ofSeconds(20), "the node recovers");
    } finally {
      direct.close();
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
      Poll.until("the node reaches Redis", Duration.ofSeconds(20), () -> client.call(1, "late"),
        answer -> answer.status() == 0, Frame::text);
    }
  }

  /**
   * A Redis that refuses writes (maxmemory reached) answers each CREATE with an error reply over a connection that
   * works: the node answers UNAVAILABLE with Redis's words and keeps the connection, rather than reconnecting once
   * per refused command, and serves again once Redis accepts writes.
   */
  @Test
  void errorRepliesDoNotMakeTheNodeReconnect() throws Exception {
    TestNode node = node();
    Redis direct = Redis.createClient(vertx, redis.uri());
    try (WireClient client = node.connect()) {
      assertEquals(0, client.call(1, "before").status());
      direct.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("1")).await();
      direct.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg("noeviction")).await();
      long connectionsBefore = connectionsReceived(direct);
      for (int i = 0; i < 20; i++) {
        Frame refused = client.call(1, "refused " + i);
        assertEquals(UNAVAILABLE, refused.status(), refused.text());
        assertTrue(refused.text().contains("OOM"), refused.text());
      }
      long opened = connectionsReceived(direct) - connectionsBefore;
      assertTrue(opened <= 2, "the node opened " + opened + " connections to Redis for 20 refused commands");
      direct.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("0")).await();
      awaitServedAgain(client, Duration.ofSeconds(10), "the node serves again once Redis takes writes");
    } finally {
      direct.close();
    }
  }

  static long connectionsReceived(Redis direct) {
    String stats = direct.send(Request.cmd(Command.INFO).arg("stats")).await().toString();
    return stats.lines().filter(line -> line.startsWith("total_connections_received:"))
      .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElseThrow();
  }

  /**
   * A connection that stops answering without closing (a frozen peer, a firewall that forgot the flow) is replaced:
   * its command times out, and the next commands go out on a fresh connection instead of the same silent socket,
   * which the kernel would give up on only minutes later. Between the node and Redis runs a relay that can freeze
   * the connections open so far while it still carries new ones.
   */
  @Test
  void aConnectionThatStopsAnsweringIsReplacedByAFreshOne() throws Exception {
    FreezingRelay relay = FreezingRelay.start(vertx, redis.port());
    TestNode node = TestNode.start(vertx, TestNode.settings("redis://:" + redis.password() + "@127.0.0.1:" + relay.port)
      .put("limits", new JsonObject().put("storage_timeout_ms", 1000)));
    try (WireClient client = node.connect()) {
      assertEquals(0, client.call(1, "before").status());
      int frozen = relay.freeze();
      assertTrue(frozen > 0, "the node's connections go through the relay");
      Frame stalled = client.call(1, "stalled");
      assertEquals(UNAVAILABLE, stalled.status(), stalled.text());
      awaitServedAgain(client, Duration.ofSeconds(10), "the node leaves the frozen connection");
      assertTrue(relay.connections() > frozen, "served on a connection opened after the freeze");
    }
  }

  /** Relays TCP to Redis; {@link #freeze} stops carrying bytes on the connections so far, without closing them. */
  static final class FreezingRelay {
    final int port;
    private final List<AtomicBoolean> open = new CopyOnWriteArrayList<>();

    private FreezingRelay(int port) {
      this.port = port;
    }

    static FreezingRelay start(Vertx vertx, int redisPort) {
      List<FreezingRelay> made = new ArrayList<>(1);
      NetServer server = vertx.createNetServer().connectHandler(in -> {
        AtomicBoolean carrying = new AtomicBoolean(true);
        made.get(0).open.add(carrying);
        in.pause();
        vertx.createNetClient().connect(redisPort, "127.0.0.1").onSuccess(out -> {
          in.handler(data -> {
            if (carrying.get()) {
              out.write(data);
            }
          });
          out.handler(data -> {
            if (carrying.get()) {
              in.write(data);
            }
          });
          in.closeHandler(v -> out.close());
          out.closeHandler(v -> in.close());
          in.resume();
        }).onFailure(e -> in.close());
      });
      FreezingRelay relay = new FreezingRelay(server.listen(0, "127.0.0.1").await().actualPort());
      made.add(relay);
      return relay;
    }

    /** @return how many connections were frozen */
    int freeze() {
      open.forEach(carrying -> carrying.set(false));
      return open.size();
    }

    int connections() {
      return open.size();
    }
  }

  /** Pipelines CREATEs on its own connection until stopped, keeping what each answer said. */
  static final class Loader implements Runnable {
    final WireClient client;
    final List<String> acknowledged = new CopyOnWriteArrayList<>();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger okSinceMark = new AtomicInteger();
    volatile boolean stop;
    volatile Throwable failure;

    Loader(WireClient client) {
      this.client = client;
    }

    @Override
    public void run() {
      try {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
          frames.write(WireClient.frame(1, "under load " + i));
        }
        byte[] burst = frames.toByteArray();
        while (!stop) {
          client.write(burst);
          for (int i = 0; i < 8; i++) {
            Frame answer = client.readFrame();
            if (answer.status() == 0) {
              acknowledged.add(answer.text());
              okSinceMark.incrementAndGet();
            } else if (answer.status() == UNAVAILABLE) {
              unavailable.incrementAndGet();
            } else {
              throw new AssertionError("neither OK nor UNAVAILABLE: " + answer.status() + " " + answer.text());
            }
          }
        }
      } catch (Throwable e) {
        failure = e;
      }
    }
  }

  /** CREATEs until one succeeds, each answered OK or UNAVAILABLE, failing after {@code timeout}. */
  static void awaitServedAgain(WireClient client, Duration timeout, String what) throws Exception {
    Poll.until(what, timeout, () -> {
      Frame again = client.call(1, "after");
      assertTrue(again.status() == 0 || again.status() == UNAVAILABLE, again.text());
      return again;
    }, again -> again.status() == 0, Frame::text);
  }

  @Test
  void redisStoppedUnderLoadIsUnavailableThenServedAgainAndNothingAcknowledgedIsLost() throws Exception {
    redis.close();
    redis = RedisServerProcess.start(dir, true, redis.port(), redis.password()); // append-only: survives a restart
    TestNode node = node();
    List<Loader> loaders = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Loader loader = new Loader(node.connect());
        loaders.add(loader);
        Thread thread = new Thread(loader, "loader-" + i);
        threads.add(thread);
        thread.start();
      }
      Poll.until("load is flowing", Duration.ofSeconds(20),
        () -> loaders.stream().allMatch(l -> l.acknowledged.size() > 200));

      redis.close(); // SIGTERM: Redis writes its append-only file and exits
      long stoppedAt = System.nanoTime();
      Poll.until("every loader sees UNAVAILABLE", Duration.ofSeconds(10),
        () -> loaders.stream().allMatch(l -> l.unavailable.get() > 0));
      long ms = (System.nanoTime() - stoppedAt) / 1_000_000;
      assertTrue(ms < 10_000, "UNAVAILABLE after " + ms + " ms");
      try (WireClient probe = node.connect()) {
        assertEquals(0, probe.call(5, "still up").status(), "the node stays up and accepts connections");
      }

      redis = RedisServerProcess.start(dir, true, redis.port(), redis.password());
      loaders.forEach(l -> l.okSinceMark.set(0));
      Poll.until("every loader is served again", Duration.ofSeconds(20),
        () -> loaders.stream().allMatch(l -> l.okSinceMark.get() > 50));
    } finally {
      loaders.forEach(l -> l.stop = true);
      for (Thread thread : threads) {
        thread.join(10_000);
      }
    }
    for (Loader loader : loaders) {
      assertEquals(null, loader.failure, "a loader's connection failed");
      loader.client.close();
    }
    List<String> keys = loaders.stream().flatMap(l -> l.acknowledged.stream()).toList();
    // read back through Redis itself: every acknowledged key is there after the restart
    Redis direct = Redis.createClient(vertx, redis.uri());
    try {
      String prefix = node.settings().keyPrefix();
      for (int from = 0; from < keys.size(); from += 500) {
        Request exists = Request.cmd(Command.EXISTS);
        List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
        chunk.forEach(k -> exists.arg(prefix + k));
        assertEquals(chunk.size(), direct.send(exists).await().toInteger(), "acknowledged keys missing after the restart");
      }
    } finally {
      direct.close();
    }
    assertTrue(keys.size() > 800, "load really flowed: " + keys.size());
  }
}
