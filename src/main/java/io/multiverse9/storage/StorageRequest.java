package io.multiverse9.storage;

import io.multiverse9.bus.BusCodec;
import io.multiverse9.bus.Wire;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** What the node asks of storage over the event bus. Keys are validated, normalised ULIDs without prefix. */
public sealed interface StorageRequest {

  /**
   * Store a value under {@code key}, drawn by the node when the request arrived so that keys sort in arrival
   * order; replied with the key ({@code String}) once Redis confirmed the write, or with a fresher one should
   * {@code key} be taken already.
   */
  record Create(String key, Buffer value) implements StorageRequest {
  }

  /** Remove keys; replied with how many existed ({@code Long}). */
  record Remove(List<String> keys) implements StorageRequest {
  }

  /** Read keys; replied with {@link Values}, one per key, {@code null} where the key does not exist. */
  record Fetch(List<String> keys) implements StorageRequest {
  }

  /** Is Redis there? Replied with {@code "PONG"}. */
  record Ping() implements StorageRequest {
  }

  /** The reply to {@link Fetch}. */
  record Values(List<Buffer> values) {
  }

  /** Lets these messages travel on the event bus: by reference in one JVM, encoded between JVMs. */
  static void registerCodecs(io.vertx.core.Vertx vertx) {
    BusCodec.register(vertx, Create.class, (out, m) -> {
      Wire.string(out, m.key());
      Wire.buffer(out, m.value());
    }, in -> new Create(in.readString(), in.readBuffer()));
    BusCodec.register(vertx, Remove.class, (out, m) -> Wire.strings(out, m.keys()),
      in -> new Remove(in.readStrings()));
    BusCodec.register(vertx, Fetch.class, (out, m) -> Wire.strings(out, m.keys()),
      in -> new Fetch(in.readStrings()));
    BusCodec.register(vertx, Ping.class, (out, m) -> { }, in -> new Ping());
    BusCodec.register(vertx, Values.class, (out, m) -> {
      out.appendInt(m.values().size());
      m.values().forEach(v -> Wire.buffer(out, v));
    }, in -> {
      int count = in.readInt();
      List<Buffer> values = new java.util.ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        values.add(in.readBuffer());
      }
      return new Values(values);
    });
  }
}
