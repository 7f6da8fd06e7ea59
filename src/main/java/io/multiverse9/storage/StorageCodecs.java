package io.multiverse9.storage;

import io.multiverse9.bus.BusCodec;
import io.multiverse9.bus.Wire;
import io.multiverse9.bus.WireReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/** The event-bus codecs of {@link StorageRequest} and its replies. */
final class StorageCodecs {

  private StorageCodecs() {
  }

  /** Lets storage messages travel on the event bus: by reference in one JVM, encoded between JVMs. */
  static void register(Vertx vertx) {
    BusCodec.register(vertx, StorageRequest.Create.class, StorageCodecs::writeRequest,
      in -> (StorageRequest.Create) readRequest(in));
    BusCodec.register(vertx, StorageRequest.Remove.class, StorageCodecs::writeRequest,
      in -> (StorageRequest.Remove) readRequest(in));
    BusCodec.register(vertx, StorageRequest.Fetch.class, StorageCodecs::writeRequest,
      in -> (StorageRequest.Fetch) readRequest(in));
    BusCodec.register(vertx, StorageRequest.Ping.class, StorageCodecs::writeRequest,
      in -> (StorageRequest.Ping) readRequest(in));
    BusCodec.register(vertx, StorageRequest.Values.class, StorageCodecs::writeValues, StorageCodecs::readValues);
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
    BusCodec.register(vertx, StorageRequest.Outcomes.class, (out, m) -> {
      out.appendInt(m.outcomes().size());
      m.outcomes().forEach(o -> writeOutcome(out, o));
    }, in -> {
      int count = in.readInt();
      List<Object> outcomes = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        outcomes.add(readOutcome(in));
      }
      return new StorageRequest.Outcomes(outcomes);
    });
  }

  // Between JVMs a request or an outcome travels as a tag byte and its fields.
  private static final byte CREATE = 1;
  private static final byte REMOVE = 2;
  private static final byte FETCH = 3;
  private static final byte PING = 4;
  private static final byte KEY_OR_TEXT = 1;
  private static final byte COUNT = 2;
  private static final byte VALUES = 3;
  private static final byte FAILURE = 4;

  private static void writeRequest(Buffer out, StorageRequest request) {
    if (request instanceof StorageRequest.Create c) {
      out.appendByte(CREATE);
      Wire.string(out, c.key());
      Wire.buffer(out, c.value());
    } else if (request instanceof StorageRequest.Remove r) {
      out.appendByte(REMOVE);
      Wire.strings(out, r.keys());
    } else if (request instanceof StorageRequest.Fetch f) {
      out.appendByte(FETCH);
      Wire.strings(out, f.keys());
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
      case REMOVE -> new StorageRequest.Remove(in.readStrings());
      case FETCH -> new StorageRequest.Fetch(in.readStrings());
      case PING -> new StorageRequest.Ping();
      default -> throw new IllegalArgumentException("unknown storage request tag " + tag);
    };
  }

  private static void writeOutcome(Buffer out, Object outcome) {
    if (outcome instanceof String text) {
      out.appendByte(KEY_OR_TEXT);
      Wire.string(out, text);
    } else if (outcome instanceof Long count) {
      out.appendByte(COUNT).appendLong(count);
    } else if (outcome instanceof StorageRequest.Values values) {
      out.appendByte(VALUES);
      writeValues(out, values);
    } else if (outcome instanceof StorageRequest.Failure failure) {
      out.appendByte(FAILURE).appendInt(failure.status());
      Wire.string(out, failure.message());
    } else {
      throw new IllegalArgumentException("a batch cannot answer " + outcome);
    }
  }

  private static Object readOutcome(WireReader in) {
    byte tag = in.readByte();
    return switch (tag) {
      case KEY_OR_TEXT -> in.readString();
      case COUNT -> in.readLong();
      case VALUES -> readValues(in);
      case FAILURE -> new StorageRequest.Failure(in.readInt(), in.readString());
      default -> throw new IllegalArgumentException("unknown storage outcome tag " + tag);
    };
  }

  private static void writeValues(Buffer out, StorageRequest.Values m) {
    out.appendInt(m.values().size());
    m.values().forEach(v -> Wire.buffer(out, v));
  }

  private static StorageRequest.Values readValues(WireReader in) {
    int count = in.readInt();
    List<Buffer> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(in.readBuffer());
    }
    return new StorageRequest.Values(values);
  }
}
