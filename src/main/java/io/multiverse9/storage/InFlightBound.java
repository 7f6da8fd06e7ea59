package io.multiverse9.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * At most {@code limit} commands out at once on a connection that takes them one by one; the rest wait here, in
 * arrival order, and start as answers make room. The Redis client refuses any command past
 * {@link RedisOptionsFactory#MAX_WAITING_HANDLERS} unanswered on a connection ("waiting queue is full"), and the
 * clients of a node can ask for many more at once: one AGGREGATE alone may name {@code limits.max_targets} keys,
 * and each connection pipelines up to {@code limits.max_pipeline} requests. What waits is bounded by what the
 * node holds for its clients ({@code limits.max_buffered_bytes}). {@link CommandBatcher} keeps the same bound for
 * pipelined batches; this is for a Redis Cluster connection, which cannot batch keys of different slots.
 *
 * <p>Used from one context only.
 */
final class InFlightBound {

  private final int limit;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;
  private boolean starting;

  InFlightBound(int limit) {
    this.limit = limit;
  }

  /** Starts {@code command} now, or once there is room; a command that waited sees how long when it starts. */
  <T> Future<T> submit(Supplier<Future<T>> command) {
    Promise<T> answer = Promise.promise();
    waiting.addLast(() -> started(command).onComplete(ar -> {
      inFlight--;
      answer.handle(ar);
      startWaiting();
    }));
    startWaiting();
    return answer.future();
  }

  private static <T> Future<T> started(Supplier<Future<T>> command) {
    try {
      return command.get();
    } catch (RuntimeException e) { // failed to start: it must still give its place back
      return Future.failedFuture(e);
    }
  }

  private void startWaiting() {
    if (starting) { // a command that completed as it started: the loop below goes on with the next
      return;
    }
    starting = true;
    try {
      while (inFlight < limit && !waiting.isEmpty()) {
        inFlight++;
        waiting.pollFirst().run();
      }
    } finally {
      starting = false;
    }
  }
}
