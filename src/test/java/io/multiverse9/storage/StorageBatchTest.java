package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Status;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Storage calls made in one event-loop turn travel as one event-bus message and each gets its own answer. */
@ExtendWith(VertxExtension.class)
class StorageBatchTest {

  Vertx vertx;
  List<Object> sentToStorage = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (delivery.message().address().startsWith("mv9.storage.")) {
        sentToStorage.add(delivery.body());
      }
      delivery.next();
    });
  }

  Settings settings(String redisUri) {
    return settings(redisUri, 1000);
  }

  Settings settings(String redisUri, int storageTimeoutMs) {
    return new SettingsParser(warning -> { }).parse(TestNode.settings(redisUri).put("limits",
      new io.vertx.core.json.JsonObject().put("storage_timeout_ms", storageTimeoutMs)));
  }

  /** Runs {@code calls} on a fresh event loop, all in one turn, as a node verticle would. */
  <T> T inOneTurn(Settings settings, java.util.function.Function<StorageClient, Future<T>> calls) throws Exception {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      StorageClient storage = new StorageClient(vertx, StorageVerticle.address(settings),
        settings.limits().storageTimeoutMs());
      calls.apply(storage).onComplete(done);
    });
    return done.future().await(30, TimeUnit.SECONDS);
  }

  /** Deploys storage on the test Redis and makes {@code calls} CREATEs in one turn: each one's key, or failure. */
  List<Object> createsInOneTurn(int calls) throws Exception {
    Settings settings = settings(TestRedis.get().uri());
    vertx.deployVerticle(new StorageVerticle(settings, StorageMeters.NONE)).await(30, TimeUnit.SECONDS);
    return createsInOneTurn(settings, calls);
  }

  /** {@code calls} CREATEs in one turn on the storage verticle of {@code settings}: each one's key, or failure. */
  List<Object> createsInOneTurn(Settings settings, int calls) throws Exception {
    return inOneTurn(settings, storage -> {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        all.add(storage.create(Buffer.buffer("value " + i)));
      }
      io.vertx.core.CompositeFuture done = Future.join(all); // fails when one did, once all are settled
      return done.transform(settled -> {
        List<Object> outcomes = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          outcomes.add(done.succeeded(i) ? done.resultAt(i) : done.cause(i));
        }
        return Future.succeededFuture(outcomes);
      });
    });
  }

  @Test
  void moreCommandsInOneTurnThanTheRedisClientTakesAtOnceAllGetTheirAnswers() throws Exception {
    // the Redis client refuses commands past RedisOptionsFactory.MAX_WAITING_HANDLERS unanswered on a connection
    // ("waiting queue is full"); a node's clients together can pipeline more than that into one turn
    int calls = RedisOptionsFactory.MAX_WAITING_HANDLERS * 2 + 7;
    List<Object> results = createsInOneTurn(calls);
    assertEquals(calls, results.size());
    for (Object result : results) {
      assertInstanceOf(String.class, result, "every CREATE stored and answered with its key, none refused: " + result);
    }
    assertEquals(calls, new HashSet<>(results).size(), "a fresh key each");
  }

  @Test
  void callsOfOneTurnTravelAsOneBatchAndEachGetsItsAnswer() throws Exception {
    Settings settings = settings(TestRedis.get().uri());
    vertx.deployVerticle(new StorageVerticle(settings, StorageMeters.NONE)).await(30, TimeUnit.SECONDS);
    List<Object> results = inOneTurn(settings, storage -> {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add(storage.create(Buffer.buffer("value " + i)));
      }
      calls.add(storage.fetch(KeyBytes.of("01ARZ3NDEKTSV4RRFFQ69G5FAV")));
      calls.add(storage.remove(KeyBytes.of("01ARZ3NDEKTSV4RRFFQ69G5FAV")));
      calls.add(storage.ping());
      return Future.all(calls).map(all -> new ArrayList<>(all.list()));
    });

    List<Object> batches = sentToStorage.stream().filter(StorageRequest.Batch.class::isInstance).toList();
    assertEquals(1, batches.size(), "one event-bus message for the turn, got " + sentToStorage.size());
    assertEquals(43, ((StorageRequest.Batch) batches.get(0)).requests().size());

    HashSet<Object> keys = new HashSet<>(results.subList(0, 40));
    assertEquals(40, keys.size(), "each CREATE got its own fresh key");
    List<String> created = results.subList(0, 40).stream().map(String.class::cast).toList();
    List<Buffer> stored = inOneTurn(settings, storage -> storage.fetch(KeyBytes.of(created)));
    for (int i = 0; i < 40; i++) {
      assertEquals("value " + i, stored.get(i).toString(), "the value of the " + i + "th CREATE");
    }
    assertEquals(1, ((List<?>) results.get(40)).size());
    assertNull(((List<?>) results.get(40)).get(0), "a missing key reads as null");
    assertEquals(0L, results.get(41), "REMOVE of a missing key counts 0");
    assertNull(results.get(42), "PING completes empty");
  }

  @Test
  void commandsHeldBehindAFullConnectionFailAtTheStorageTimeoutFromTheirArrivalThenServiceResumes() throws Exception {
    // at most MAX_WAITING_HANDLERS out on the connection, the rest held; Redis holds every write. Each command
    // must fail at storage_timeout_ms after it arrived, held or not: sent late with a timeout of its own, a held
    // one outlived the node verticle's wait (the storage timeout and a second), which then answered "storage did
    // not answer" while the write could still happen behind it
    Settings settings = settings(TestRedis.get().uri(), 2000);
    vertx.deployVerticle(new StorageVerticle(settings, StorageMeters.NONE)).await(30, TimeUnit.SECONDS);
    Redis direct = Redis.createClient(vertx, TestRedis.get().uri());
    int calls = RedisOptionsFactory.MAX_WAITING_HANDLERS + 100;
    try {
      direct.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(10_000).arg("WRITE")).await(10, TimeUnit.SECONDS);
      List<Object> results = createsInOneTurn(settings, calls);
      int lostWithConnection = 0;
      for (int i = 0; i < calls; i++) {
        Object result = results.get(i);
        assertInstanceOf(StorageException.class, result, "CREATE " + i + " while Redis held writes: " + result);
        // the first batch to time out replaces the connection; the other batches out on it are lost with it, and
        // say why in the same terms rather than as the client's bare CONNECTION_CLOSED
        String why = ((StorageException) result).getMessage();
        assertTrue(why.contains("within 2000 ms (limits.storage_timeout_ms)"), i + ": " + why);
        lostWithConnection += why.contains("the connection to Redis was replaced") ? 1 : 0;
      }
      // lists of TurnBatch.MAX_ITEMS: many batches were out on the connection the first one's timeout replaced (a
      // batch whose own timer fires in the same turn as the first one's says "within" without "replaced": under
      // load a batch or two do, so the count asks for most, not all but the first)
      assertTrue(lostWithConnection >= calls / 2, lostWithConnection + " of " + calls);
    } finally {
      direct.send(Request.cmd(Command.CLIENT).arg("UNPAUSE")).await(10, TimeUnit.SECONDS);
      direct.close();
    }
    Poll.until("storage serves again after Redis resumed", Duration.ofSeconds(20),
      () -> createsInOneTurn(settings, 1).get(0), result -> result instanceof String);
  }

  @Test
  void aTurnOfManyCallsTravelsInMessagesOfAtMostMaxItemsEachAnsweredOnItsOwn() throws Exception {
    // a message is answered when all its calls are: the first answers of a large turn need not wait for the last
    int calls = TurnBatch.MAX_ITEMS * 2 + 44;
    List<Object> results = createsInOneTurn(calls);
    List<Integer> sizes = sentToStorage.stream().filter(StorageRequest.Batch.class::isInstance)
      .map(batch -> ((StorageRequest.Batch) batch).requests().size()).toList();
    assertEquals(List.of(TurnBatch.MAX_ITEMS, TurnBatch.MAX_ITEMS, 44), sizes);
    assertTrue(results.stream().allMatch(String.class::isInstance), "every CREATE answered with its key");
    assertEquals(calls, new HashSet<>(results).size(), "a fresh key each");
  }

  @Test
  void whenRedisIsDownEveryCallOfTheBatchFailsUnavailable() throws Exception {
    Settings settings = settings("redis://127.0.0.1:1");
    vertx.deployVerticle(new StorageVerticle(settings, StorageMeters.NONE)).await(30, TimeUnit.SECONDS);
    List<Throwable> failures = inOneTurn(settings, storage -> {
      List<Future<?>> calls = List.of(storage.create(Buffer.buffer("a")), storage.fetch(KeyBytes.of(
        "01ARZ3NDEKTSV4RRFFQ69G5FAV")), storage.ping());
      return Future.join(calls).transform(ar -> Future.succeededFuture(
        calls.stream().map(Future::cause).toList()));
    });
    assertTrue(sentToStorage.stream().anyMatch(StorageRequest.Batch.class::isInstance), "sent as a batch");
    for (Throwable failure : failures) {
      StorageException e = assertInstanceOf(StorageException.class, failure);
      assertEquals(Status.UNAVAILABLE, e.status(), e.getMessage());
    }
  }

  @Test
  void aRequestStorageDoesNotKnowIsAnsweredInternalAndTheRestOfItsBatchAsUsual() throws Exception {
    Settings settings = settings(TestRedis.get().uri());
    vertx.deployVerticle(new StorageVerticle(settings, StorageMeters.NONE)).await(30, TimeUnit.SECONDS);
    StorageRequest.Batch nested = new StorageRequest.Batch(List.of(new StorageRequest.Ping()));
    StorageReply.Outcomes outcomes = vertx.eventBus().<StorageReply.Outcomes>request(StorageVerticle.address(
        settings), new StorageRequest.Batch(List.of(nested, new StorageRequest.Ping())))
      .await(30, TimeUnit.SECONDS).body();
    StorageReply.Failed failed = assertInstanceOf(StorageReply.Failed.class, outcomes.replies().get(0));
    assertEquals(Status.INTERNAL, failed.status(), failed.message());
    assertInstanceOf(StorageReply.Pong.class, outcomes.replies().get(1));
  }
}
