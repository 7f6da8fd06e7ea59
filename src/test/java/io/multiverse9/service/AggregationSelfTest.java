package io.multiverse9.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.peer.PeerClient;
import io.multiverse9.peer.PeerVerticle;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.Segments;
import io.multiverse9.storage.StorageClient;
import io.multiverse9.storage.StorageMeters;
import io.multiverse9.storage.StorageVerticle;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A key addressed to the listener that received the AGGREGATE is local, also while a new {@code addr} moves in
 * and the settings in force still name the old one (they name the new one only once it is bound).
 */
@ExtendWith(VertxExtension.class)
class AggregationSelfTest {

  Vertx vertx;
  Settings settings;
  String key;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    settings = new SettingsParser(warning -> { }).parse(TestNode.settings(TestRedis.get().uri())
      .put("addr", "127.0.0.1:7001"));
    vertx.deployVerticle(new StorageVerticle(settings, StorageMeters.NONE)).await(30, TimeUnit.SECONDS);
    key = onALoop(storage -> storage.create(Buffer.buffer("stored here")));
  }

  <T> T onALoop(Function<StorageClient, Future<T>> call) throws Exception {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v ->
      call.apply(new StorageClient(vertx, StorageVerticle.address(settings), 1000)).onComplete(done));
    return done.future().await(30, TimeUnit.SECONDS);
  }

  AggregateEntry aggregateOn(Address listening, String target) throws Exception {
    Reply reply = onALoop(storage -> Aggregation.run(settings, listening,
      Segments.split(Buffer.buffer(target), 1), storage, new PeerClient(vertx, PeerVerticle.address(settings))));
    return ((Reply.Entries) reply).entries().get(0);
  }

  @Test
  void aKeyAddressedToTheListenerThatReceivedItIsLocal() throws Exception {
    AggregateEntry entry = aggregateOn(new Address("127.0.0.1", 7002), key + "@127.0.0.1:7002");
    assertEquals(EntryStatus.FOUND, entry.status());
    assertEquals("stored here", entry.data().toString());
  }

  @Test
  void aKeyAddressedElsewhereIsNotTakenForLocal() throws Exception {
    AggregateEntry entry = aggregateOn(new Address("127.0.0.1", 7002), key + "@127.0.0.1:7003");
    assertEquals(EntryStatus.FORBIDDEN, entry.status(), "an unacknowledged peer: " + entry.data());
  }
}
