package io.multiverse9.storage;

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

  /** Lets these messages travel by reference between the verticles of one JVM. */
  static void registerCodecs(io.vertx.core.Vertx vertx) {
    io.multiverse9.bus.LocalCodec.register(vertx, Create.class, Remove.class, Fetch.class, Ping.class, Values.class);
  }
}
