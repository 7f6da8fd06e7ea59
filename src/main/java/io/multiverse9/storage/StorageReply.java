package io.multiverse9.storage;

import io.multiverse9.protocol.Status;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * What storage answers to a {@link StorageRequest}: each request has its own reply type, so that neither side
 * has to guess what an answer is.
 */
public sealed interface StorageReply {

  /** The reply to {@link StorageRequest.Create}: the key the value was stored under. */
  record Created(String key) implements StorageReply {
  }

  /** The reply to {@link StorageRequest.Remove}: how many of the keys existed. */
  record Removed(long count) implements StorageReply {
  }

  /** The reply to {@link StorageRequest.Fetch}: one value per key, {@code null} where the key does not exist. */
  record Values(List<Buffer> values) implements StorageReply {
  }

  /** The reply to a {@link StorageRequest.Fetch} whose values come to {@code needed} bytes, more than it may read. */
  record OverLimit(long needed) implements StorageReply {
  }

  /** The reply to {@link StorageRequest.Ping}: Redis answered. */
  record Pong() implements StorageReply {

    static final Pong PONG = new Pong();
  }

  /** A request of a {@link StorageRequest.Batch} that failed, with the status to answer. */
  record Failed(Status status, String message) implements StorageReply {

    StorageException toException() {
      return new StorageException(status, message);
    }
  }

  /**
   * The reply to a {@link StorageRequest.Batch}: per request its reply (as for the request on its own) or a
   * {@link Failed}, in the order of the requests.
   */
  record Outcomes(List<StorageReply> replies) {
  }
}
