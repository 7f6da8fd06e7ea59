package io.multiverse9.storage;

import io.multiverse9.protocol.KeyBytes;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * What the node asks of storage over the event bus; each is answered with its own {@link StorageReply}. Keys are
 * validated, normalised ULIDs without prefix: those read or removed as the bytes they came in ({@link KeyBytes}),
 * which storage puts after the prefix as they are.
 */
public sealed interface StorageRequest {

  /**
   * Store a value under {@code key}, drawn by the node when the request arrived so that keys sort in arrival
   * order; replied with {@link StorageReply.Created} once Redis confirmed the write, carrying {@code key} or a
   * fresher one should {@code key} be taken already.
   */
  record Create(String key, Buffer value) implements StorageRequest {
  }

  /** Remove keys; replied with {@link StorageReply.Removed}. */
  record Remove(KeyBytes keys) implements StorageRequest {
  }

  /**
   * Read keys; replied with {@link StorageReply.Values}. With {@code maxBytes} zero or more, the values read add up
   * to no more than that (SPEC 1.6: the node may hold only so much): values that would come to more are replied
   * with {@link StorageReply.OverLimit}, saying how much they come to, and none is kept. Negative: no bound.
   */
  record Fetch(KeyBytes keys, long maxBytes) implements StorageRequest {

    public Fetch(KeyBytes keys) {
      this(keys, -1);
    }
  }

  /** Is Redis there? Replied with {@link StorageReply.Pong}. */
  record Ping() implements StorageRequest {
  }

  /**
   * Several requests in one event-bus message: those a node verticle made in one event-loop turn. Storage runs
   * them in order and replies with {@link StorageReply.Outcomes}, one per request; the batch as a whole fails
   * only when it could not be delivered.
   */
  record Batch(List<StorageRequest> requests) implements StorageRequest {
  }
}
