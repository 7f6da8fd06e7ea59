package io.multiverse9.storage;

import com.github.f4b6a3.ulid.UlidCreator;
import io.multiverse9.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.List;

/**
 * The node's view of storage: typed calls that travel over the event bus to a {@link StorageVerticle}. Every
 * failure is a {@link StorageException} carrying the status to answer with.
 */
public final class StorageClient {

  private final Vertx vertx;
  private final String address;
  private final DeliveryOptions delivery;
  private final long timeoutMs;

  public StorageClient(Vertx vertx, String address, long storageTimeoutMs) {
    StorageRequest.registerCodecs(vertx);
    this.vertx = vertx;
    this.address = address;
    // storage bounds its own Redis calls by storageTimeoutMs; this only catches a storage verticle that vanished
    this.timeoutMs = storageTimeoutMs + 1000;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** Stores a value under a fresh monotonic ULID, drawn now: keys sort in the order of these calls. */
  public Future<String> create(Buffer value) {
    return send(new StorageRequest.Create(UlidCreator.getMonotonicUlid().toString(), value));
  }

  public Future<Long> remove(List<String> keys) {
    return send(new StorageRequest.Remove(keys));
  }

  public Future<List<Buffer>> fetch(List<String> keys) {
    return this.<StorageRequest.Values>send(new StorageRequest.Fetch(keys)).map(StorageRequest.Values::values);
  }

  /** Succeeds when Redis answers a PING. */
  public Future<Void> ping() {
    return this.<String>send(new StorageRequest.Ping()).mapEmpty();
  }

  private <T> Future<T> send(StorageRequest request) {
    return vertx.eventBus().<T>request(StorageAffinity.choose(vertx, address), request, delivery)
      .map(Message::body)
      .recover(e -> Future.failedFuture(translate(e)));
  }

  private StorageException translate(Throwable e) {
    if (e instanceof ReplyException re) {
      switch (re.failureType()) {
        case RECIPIENT_FAILURE -> {
          Status status = Status.valueOf(re.failureCode());
          return new StorageException(status == null ? Status.INTERNAL : status, re.getMessage());
        }
        case TIMEOUT -> {
          return new StorageException(Status.UNAVAILABLE, "storage did not answer within " + timeoutMs + " ms");
        }
        case NO_HANDLERS -> {
          return new StorageException(Status.UNAVAILABLE, "storage is not running on this node");
        }
        default -> {
          return new StorageException(Status.INTERNAL, "storage request failed: " + re.getMessage());
        }
      }
    }
    return new StorageException(Status.INTERNAL, "storage request failed: " + e);
  }
}
