package io.multiverse9.peer;

import io.multiverse9.bus.BusCodec;
import io.multiverse9.bus.Wire;
import io.multiverse9.config.PeerEntry;
import io.multiverse9.protocol.Address;
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

  /** Lets these messages travel on the event bus: by reference in one JVM, encoded between JVMs. */
  static void registerCodecs(io.vertx.core.Vertx vertx) {
    BusCodec.register(vertx, Aggregate.class, (out, m) -> {
      Wire.string(out, m.peer().addr().toString());
      Wire.string(out, m.peer().token());
      Wire.strings(out, m.keys());
    }, in -> new Aggregate(new PeerEntry(Address.parse(in.readString(), false), in.readString()), in.readStrings()));
    BusCodec.register(vertx, Answer.class, (out, m) -> {
      out.appendInt(m.entries().size());
      m.entries().forEach(e -> {
        out.appendByte((byte) e.status().code());
        Wire.buffer(out, e.data());
      });
    }, in -> {
      int count = in.readInt();
      List<Entry> entries = new java.util.ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        entries.add(new Entry(EntryStatus.valueOf(in.readByte()), in.readBuffer()));
      }
      return new Answer(entries);
    });
  }
}
