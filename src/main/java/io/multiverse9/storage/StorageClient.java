package io.multiverse9.storage;

import com.github.f4b6a3.ulid.UlidCreator;
import io.multiverse9.bus.LoopAffinity;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Status;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The node's view of storage: typed calls that travel over the event bus to a {@link StorageVerticle}. Every
 * failure is a {@link StorageException} carrying the status to answer with.
 *
 * <p>The calls made in one turn of the owning verticle's event loop travel as one event-bus message (a
 * {@link StorageRequest.Batch}, see {@link TurnBatch}): with pipelined clients or many connections a turn makes
 * dozens, and each request/reply costs a reply handler, a timer and a delivery. Calls from any other thread go
 * as a batch of their own: a batch of one is a batch.
 */
public final class StorageClient {

  /** How Vert.x says a consumer that was unregistered dropped a request it had not handled. */
  private static final String DISCARDED = "Discarded the request";
  /** A request meets a storage being stopped at most once per live change; a few sends are plenty. */
  private static final int MAX_RESENDS = 3;

  private final Vertx vertx;
  private final String address;
  private final DeliveryOptions delivery;
  private final long timeoutMs;
  private final Context context;
  private final TurnBatch<Pending<?>> turn;

  /**
   * One call waiting for its reply, with how to take its result out of the reply type its request is answered
   * with (a {@code Create} always with a {@code Created}, and so on).
   */
  private static final class Pending<T> implements Handler<AsyncResult<StorageReply>> {

    final StorageRequest request;
    final Promise<T> answer = Promise.promise();
    final Function<StorageReply, T> result;

    Pending(StorageRequest request, Function<StorageReply, T> result) {
      this.request = request;
      this.result = result;
    }

    @Override
    public void handle(AsyncResult<StorageReply> reply) {
      if (reply.failed()) {
        answer.fail(reply.cause());
      } else {
        complete(reply.result());
      }
    }

    void complete(StorageReply reply) {
      if (reply instanceof StorageReply.Failed failed) {
        answer.fail(failed.toException());
        return;
      }
      T value;
      try {
        value = result.apply(reply);
      } catch (ClassCastException wrongType) {
        answer.fail(new StorageException(Status.INTERNAL, "storage answered " + request + " with " + reply));
        return;
      }
      answer.complete(value);
    }
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
    this.turn = new TurnBatch<>(context, this::flush);
  }

  /** Stores a value under a fresh monotonic ULID, drawn now: keys sort in the order of these calls. */
  public Future<String> create(Buffer value) {
    return send(new StorageRequest.Create(UlidCreator.getMonotonicUlid().toString(), value),
      reply -> ((StorageReply.Created) reply).key());
  }

  public Future<Long> remove(KeyBytes keys) {
    return send(new StorageRequest.Remove(keys), reply -> ((StorageReply.Removed) reply).count());
  }

  public Future<List<Buffer>> fetch(KeyBytes keys) {
    return send(new StorageRequest.Fetch(keys), reply -> ((StorageReply.Values) reply).values());
  }

  /**
   * The values of {@code keys} ({@code null} for a key that does not exist) as {@link StorageReply.Values}, read
   * only if they add up to no more than {@code maxBytes}; else {@link StorageReply.OverLimit}, with what they add
   * up to, and none of them held. Negative: no bound.
   */
  public Future<StorageReply> fetch(KeyBytes keys, long maxBytes) {
    return send(new StorageRequest.Fetch(keys, maxBytes), reply -> reply);
  }

  /** Succeeds when Redis answers a PING. */
  public Future<Void> ping() {
    return send(new StorageRequest.Ping(), reply -> null);
  }

  private <T> Future<T> send(StorageRequest request, Function<StorageReply, T> result) {
    Pending<T> pending = new Pending<>(request, result);
    if (Vertx.currentContext() == context) {
      turn.add(pending);
    } else {
      flush(List.of(pending));
    }
    return pending.answer.future();
  }

  /** The calls of one turn, or one call from another thread: a batch of one is a batch. */
  private void flush(List<Pending<?>> batch) {
    List<StorageRequest> requests = new ArrayList<>(batch.size());
    for (Pending<?> p : batch) {
      requests.add(p.request);
    }
    this.<StorageReply.Outcomes>sendNow(new StorageRequest.Batch(requests)).onComplete(ar -> {
      for (int i = 0; i < batch.size(); i++) {
        if (ar.failed()) {
          batch.get(i).answer.fail(ar.cause());
        } else {
          batch.get(i).complete(ar.result().replies().get(i));
        }
      }
    });
  }

  private <R> Future<R> sendNow(StorageRequest request) {
    return sendNow(request, MAX_RESENDS);
  }

  /**
   * A request that a storage verticle being stopped had not begun when its consumer went away (a live change of
   * redis_uri or key_prefix: the old storage stops beside the new) is discarded by the event bus unanswered; it
   * never ran, so it is sent again, to whichever storage now listens.
   */
  private <R> Future<R> sendNow(StorageRequest request, int resends) {
    return vertx.eventBus().<R>request(LoopAffinity.choose(vertx, address), request, delivery)
      .map(Message::body)
      .recover(e -> resends > 0 && discarded(e) ? sendNow(request, resends - 1)
        : Future.failedFuture(translate(e)));
  }

  private static boolean discarded(Throwable e) {
    return e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT && re.getMessage() != null
      && re.getMessage().startsWith(DISCARDED);
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
          return new StorageException(Status.INTERNAL, "storage request failed: " + e.getMessage());
        }
      }
    }
    return new StorageException(Status.INTERNAL, "storage request failed: " + e);
  }
}
