package io.multiverse9.peer;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.protocol.EntryStatus;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** What a node asks of its {@link PeerVerticle} over the event bus, and the answer. */
public final class PeerMessages {

  private PeerMessages() {
  }

  /** Ask {@code peer} for bare {@code keys} with one AGGREGATE. */
  public record Aggregate(PeerEntry peer, List<String> keys) {
  }

  /** The peer's entry for one key: its status and its data (value or message). */
  public record Entry(EntryStatus status, Buffer data) {
  }

  /** One {@link Entry} per key, in the order the keys were sent. */
  public record Answer(List<Entry> entries) {
  }

  /** Lets these messages travel by reference between the verticles of one JVM. */
  static void registerCodecs(io.vertx.core.Vertx vertx) {
    io.multiverse9.bus.LocalCodec.register(vertx, Aggregate.class, Answer.class);
  }
}
