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

  /**
   * Several requests in one event-bus message: those a node verticle made in one event-loop turn. Storage runs
   * them in order and replies with {@link Outcomes}, one per request; the batch as a whole fails only when it
   * could not be delivered.
   */
  record Batch(List<StorageRequest> requests) implements StorageRequest {
  }

  /** The reply to {@link Batch}: per request its reply (as for the single request) or a {@link Failure}. */
  record Outcomes(List<Object> outcomes) {
  }

  /** A request of a {@link Batch} that failed, with the status to answer. */
  record Failure(int status, String message) {
  }
}
