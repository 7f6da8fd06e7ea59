package io.multiverse9.wire;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The requests of one connection still waiting for their answers, oldest first, and the one timer that finds a
 * request not answered in time. A timer per request cost a hash-map entry and a timer-queue insertion and removal
 * each; one per connection will do, armed for the earliest deadline of the requests waiting. An answer re-arms
 * nothing: when the timer fires it looks for a deadline passed, and else re-arms for the earliest one left, so
 * the look over the waiting requests happens about once per timeout rather than work per request. Timeouts are
 * per request, so a later request's deadline can come before its elders': sending it re-arms the timer earlier.
 * Confined to the socket's context.
 */
final class PendingRequests {

  /** A request's promise, and how its answer is to be read. */
  record Request<T>(Promise<T> promise, AnswerReader.Start<T> reader) {
  }

  private record Waiting(Request<?> request, long deadline, long timeoutMs) {

    boolean bounded() {
      return timeoutMs > 0;
    }
  }

  private final Vertx vertx;
  private final LongConsumer overdue;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private long timer = -1;
  /** The {@link System#nanoTime} the timer is armed for, when {@code timer >= 0}. */
  private long armedFor;

  /** @param overdue told the timeout, in ms, of a request that got no answer within it; the caller gives up */
  PendingRequests(Vertx vertx, LongConsumer overdue) {
    this.vertx = vertx;
    this.overdue = overdue;
  }

  int size() {
    return queue.size();
  }

  /** @param timeoutMs how long its whole answer may take, or 0 for no bound */
  <T> Future<T> add(AnswerReader.Start<T> reader, long timeoutMs) {
    Promise<T> promise = Promise.promise();
    long now = timeoutMs > 0 ? System.nanoTime() : 0;
    Waiting waiting = new Waiting(new Request<>(promise, reader), now + TimeUnit.MILLISECONDS.toNanos(timeoutMs),
      timeoutMs);
    queue.add(waiting);
    if (waiting.bounded() && (timer < 0 || waiting.deadline - armedFor < 0)) {
      arm(waiting.deadline, now);
    }
    return promise.future();
  }

  /**
   * The oldest request, which the answer being read is for, or null if none waits. It stays here, under its
   * deadline, until its answer is read whole ({@link #poll}): an answer that trickles in times out like one that
   * never comes.
   */
  Request<?> peek() {
    Waiting oldest = queue.peek();
    return oldest == null ? null : oldest.request;
  }

  /** Takes the oldest request away, its answer read. */
  void poll() {
    queue.poll();
  }

  void failAll(Throwable failure) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    for (Waiting w = queue.poll(); w != null; w = queue.poll()) {
      w.request.promise().tryFail(failure);
    }
  }

  private void arm(long deadline, long now) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    armedFor = deadline;
    // rounded up: a timer that fires before the deadline only re-arms
    long delayMs = Math.max(1, (deadline - now + 999_999) / 1_000_000);
    timer = vertx.setTimer(delayMs, id -> fire());
  }

  private void fire() {
    timer = -1;
    Waiting earliest = null;
    for (Waiting w : queue) {
      if (w.bounded() && (earliest == null || w.deadline - earliest.deadline < 0)) {
        earliest = w;
      }
    }
    if (earliest == null) {
      return;
    }
    long now = System.nanoTime();
    if (earliest.deadline - now <= 0) {
      overdue.accept(earliest.timeoutMs);
    } else {
      arm(earliest.deadline, now);
    }
  }
}
