package io.multiverse9.peer;

import io.multiverse9.bus.BusCodec;
import io.multiverse9.bus.Wire;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryDecoder;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.ResponseEncoder;
import io.vertx.core.Vertx;
import java.util.List;

/** What a node asks of its {@link PeerVerticle} over the event bus, and the answer. */
public final class PeerMessages {

  private PeerMessages() {
  }

  /**
   * Ask the peer at {@code peer} for bare {@code keys} with one AGGREGATE. Only the address travels: the peer
   * verticle finds the token (and whether the peer is still acknowledged) in the settings in force, so that no
   * token crosses the event bus, which between JVMs is in clear. The keys are the bytes the client sent them as
   * (normalised), which the peer's frame is written from.
   */
  public record Aggregate(Address peer, KeyBytes keys, long maxBytes) {
  }

  /**
   * The peer's entries, one per key in the order the keys were sent, each naming its bare key; or, when the answer
   * was more than {@link Aggregate#maxBytes}, none, and how long it was ({@code needed}).
   */
  public record Answer(List<AggregateEntry> entries, long needed) {
  }

  static final BusCodec<Aggregate> AGGREGATE_CODEC = BusCodec.of(Aggregate.class, (out, m) -> {
    Wire.string(out, m.peer().toString());
    m.keys().appendTo(out.appendInt(m.keys().packedLength())); // back to back, no string made on either side
    out.appendLong(m.maxBytes());
  }, in -> new Aggregate(Address.parse(in.readString(), false), KeyBytes.packed(in.readBytes()), in.readLong()));

  /**
   * The entries in their SPEC 1.3 form, as one length-prefixed buffer: the protocol's one writer and reader. The
   * entries may share that buffer's bytes: {@link io.multiverse9.bus.WireReader#readBuffer} makes it for them
   * alone, and it holds nothing but them.
   */
  static final BusCodec<Answer> ANSWER_CODEC = BusCodec.of(Answer.class, (out, m) -> {
    out.appendLong(m.needed());
    if (m.entries() == null) {
      return;
    }
    int lengthAt = out.length();
    out.appendInt(0);
    ResponseEncoder.appendEntries(out, m.entries());
    out.setInt(lengthAt, out.length() - lengthAt - 4);
  }, in -> {
    long needed = in.readLong();
    return new Answer(needed > 0 ? null : EntryDecoder.decodeSharing(in.readBuffer()), needed);
  });

  /** Lets these messages travel on the event bus: by reference in one JVM, encoded between JVMs. */
  static void registerCodecs(Vertx vertx) {
    BusCodec.register(vertx, AGGREGATE_CODEC);
    BusCodec.register(vertx, ANSWER_CODEC);
  }
}
