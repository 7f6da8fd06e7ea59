package io.multiverse9.storage;

import com.github.f4b6a3.ulid.UlidCreator;
import io.multiverse9.protocol.Status;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's view of storage: typed calls that travel over the event bus to a {@link StorageVerticle}. Every
 * failure is a {@link StorageException} carrying the status to answer with.
 *
 * <p>The calls made in one turn of the owning verticle's event loop travel as one event-bus message (a
 * {@link StorageRequest.Batch}): with pipelined clients or many connections a turn makes dozens, and each
 * request/reply costs a reply handler, a timer and a delivery. A call waits at most until the tasks already
 * queued on the loop have run. Calls from any other thread go on their own.
 */
public final class StorageClient {

  private final Vertx vertx;
  private final String address;
  private final DeliveryOptions delivery;
  private final long timeoutMs;
  private final Context context;
  private List<Pending> pending = new ArrayList<>();

  private record Pending(StorageRequest request, Promise<Object> answer) {
  }

  /** Call on the event loop of the verticle that will use this client. */
  public StorageClient(Vertx vertx, String address, long storageTimeoutMs) {
    StorageCodecs.register(vertx);
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
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

  @SuppressWarnings("unchecked")
  private <T> Future<T> send(StorageRequest request) {
    if (Vertx.currentContext() != context) {
      return sendNow(request);
    }
    if (pending.isEmpty()) {
      context.runOnContext(v -> flush());
    }
    Promise<Object> answer = Promise.promise();
    pending.add(new Pending(request, answer));
    return (Future<T>) answer.future();
  }

  private void flush() {
    List<Pending> batch = pending;
    pending = new ArrayList<>(Math.max(4, batch.size()));
    if (batch.size() == 1) {
      Pending only = batch.get(0);
      sendNow(only.request()).onComplete(only.answer());
      return;
    }
    List<StorageRequest> requests = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      requests.add(p.request());
    }
    this.<StorageRequest.Outcomes>sendNow(new StorageRequest.Batch(requests)).onComplete(ar -> {
      for (int i = 0; i < batch.size(); i++) {
        Promise<Object> answer = batch.get(i).answer();
        if (ar.failed()) {
          answer.fail(ar.cause());
        } else if (ar.result().outcomes().get(i) instanceof StorageRequest.Failure failure) {
          Status status = Status.valueOf(failure.status());
          answer.fail(new StorageException(status == null ? Status.INTERNAL : status, failure.message()));
        } else {
          answer.complete(ar.result().outcomes().get(i));
        }
      }
    });
  }

  private <T> Future<T> sendNow(StorageRequest request) {
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
