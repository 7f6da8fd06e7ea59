package io.multiverse9.storage;

import io.multiverse9.bus.BusCodec;
import io.multiverse9.bus.Wire;
import io.multiverse9.bus.WireReader;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/** The event-bus codecs of {@link StorageRequest} and {@link StorageReply}. */
final class StorageCodecs {

  private StorageCodecs() {
  }

  /** Lets storage messages travel on the event bus: by reference in one JVM, encoded between JVMs. */
  static void register(Vertx vertx) {
    for (Class<? extends StorageRequest> type : List.of(StorageRequest.Create.class, StorageRequest.Remove.class,
        StorageRequest.Fetch.class, StorageRequest.Ping.class)) {
      registerRequest(vertx, type);
    }
    BusCodec.register(vertx, StorageRequest.Batch.class, (out, m) -> {
      out.appendInt(m.requests().size());
      m.requests().forEach(r -> writeRequest(out, r));
    }, in -> {
      int count = in.readInt();
      List<StorageRequest> requests = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        requests.add(readRequest(in));
      }
      return new StorageRequest.Batch(requests);
    });
    for (Class<? extends StorageReply> type : List.of(StorageReply.Created.class, StorageReply.Removed.class,
        StorageReply.Values.class, StorageReply.Pong.class, StorageReply.OverLimit.class)) {
      registerReply(vertx, type);
    }
    BusCodec.register(vertx, StorageReply.Outcomes.class, (out, m) -> {
      out.appendInt(m.replies().size());
      m.replies().forEach(r -> writeReply(out, r));
    }, in -> {
      int count = in.readInt();
      List<StorageReply> replies = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        replies.add(readReply(in));
      }
      return new StorageReply.Outcomes(replies);
    });
  }

  private static <T extends StorageRequest> void registerRequest(Vertx vertx, Class<T> type) {
    BusCodec.register(vertx, type, StorageCodecs::writeRequest, in -> type.cast(readRequest(in)));
  }

  private static <T extends StorageReply> void registerReply(Vertx vertx, Class<T> type) {
    BusCodec.register(vertx, type, StorageCodecs::writeReply, in -> type.cast(readReply(in)));
  }

  // Between JVMs a request or a reply travels as a tag byte and its fields.
  private static final byte CREATE = 1;
  private static final byte REMOVE = 2;
  private static final byte FETCH = 3;
  private static final byte PING = 4;
  private static final byte CREATED = 1;
  private static final byte REMOVED = 2;
  private static final byte VALUES = 3;
  private static final byte FAILED = 4;
  private static final byte PONG = 5;
  private static final byte OVER_LIMIT = 6;

  private static void writeRequest(Buffer out, StorageRequest request) {
    if (request instanceof StorageRequest.Create c) {
      out.appendByte(CREATE);
      Wire.string(out, c.key());
      Wire.buffer(out, c.value());
    } else if (request instanceof StorageRequest.Remove r) {
      out.appendByte(REMOVE);
      writeKeys(out, r.keys());
    } else if (request instanceof StorageRequest.Fetch f) {
      out.appendByte(FETCH);
      writeKeys(out, f.keys());
      out.appendLong(f.maxBytes());
    } else if (request instanceof StorageRequest.Ping) {
      out.appendByte(PING);
    } else {
      throw new IllegalArgumentException("a batch cannot carry " + request);
    }
  }

  private static StorageRequest readRequest(WireReader in) {
    byte tag = in.readByte();
    return switch (tag) {
      case CREATE -> new StorageRequest.Create(in.readString(), in.readBuffer());
      case REMOVE -> new StorageRequest.Remove(readKeys(in));
      case FETCH -> new StorageRequest.Fetch(readKeys(in), in.readLong());
      case PING -> new StorageRequest.Ping();
      default -> throw new IllegalArgumentException("unknown storage request tag " + tag);
    };
  }

  /** Keys travel as their bytes, back to back after their length: no string is made of them on either side. */
  private static void writeKeys(Buffer out, KeyBytes keys) {
    keys.appendTo(out.appendInt(keys.packedLength()));
  }

  private static KeyBytes readKeys(WireReader in) {
    return KeyBytes.packed(in.readBytes());
  }

  private static void writeReply(Buffer out, StorageReply reply) {
    if (reply instanceof StorageReply.Created created) {
      out.appendByte(CREATED);
      Wire.string(out, created.key());
    } else if (reply instanceof StorageReply.Removed removed) {
      out.appendByte(REMOVED).appendLong(removed.count());
    } else if (reply instanceof StorageReply.Values values) {
      out.appendByte(VALUES).appendInt(values.values().size());
      values.values().forEach(v -> Wire.buffer(out, v));
    } else if (reply instanceof StorageReply.Failed failed) {
      out.appendByte(FAILED).appendInt(failed.status().code());
      Wire.string(out, failed.message());
    } else if (reply instanceof StorageReply.Pong) {
      out.appendByte(PONG);
    } else if (reply instanceof StorageReply.OverLimit over) {
      out.appendByte(OVER_LIMIT);
      out.appendLong(over.needed());
    } else {
      throw new IllegalArgumentException("unknown storage reply " + reply);
    }
  }

  private static StorageReply readReply(WireReader in) {
    byte tag = in.readByte();
    return switch (tag) {
      case CREATED -> new StorageReply.Created(in.readString());
      case REMOVED -> new StorageReply.Removed(in.readLong());
      case VALUES -> readValues(in);
      case FAILED -> new StorageReply.Failed(statusOf(in.readInt()), in.readString());
      case PONG -> StorageReply.Pong.PONG;
      case OVER_LIMIT -> new StorageReply.OverLimit(in.readLong());
      default -> throw new IllegalArgumentException("unknown storage reply tag " + tag);
    };
  }

  private static StorageReply.Values readValues(WireReader in) {
    int count = in.readInt();
    List<Buffer> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(in.readBuffer());
    }
    return new StorageReply.Values(values);
  }

  /** A status from another JVM that this one does not know (a newer version) is answered as INTERNAL. */
  private static Status statusOf(int code) {
    Status known = Status.valueOf(code);
    return known == null ? Status.INTERNAL : known;
  }
}
