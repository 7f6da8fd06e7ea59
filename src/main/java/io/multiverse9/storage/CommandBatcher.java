package io.multiverse9.storage;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends the commands that one event-loop turn produced ({@link TurnBatch}) pipelined on the verticle's connection,
 * and answers each command on its own, as soon as its reply arrives (SPEC 2). Each batch is bounded by the storage
 * timeout. A batch that gets no answer in time fails the commands in it still unanswered and replaces the
 * connection; an error reply fails its own command only (Redis error replies to our commands are whole-server
 * conditions such as OOM, READONLY or MISCONF, which a new connection would not cure).
 *
 * <p>The commands of a turn go out as the client's {@code batch}, one write. vertx-redis-client 5 fails a whole
 * batch when one of its commands gets an error reply and drops the replies of the others, so the reads and
 * UNLINKs that Redis carried out beside a SET refused with OOM were answered UNAVAILABLE, and so were SETs that
 * Redis stored. Now a command whose reply cannot be had again (UNLINK's count) goes out on its own {@code send},
 * and the others of a batch that failed so each get their own answer through their {@link Retry}: a read runs
 * again, a SET NX is checked. Sending every command on its own (a write each) cost the node about twice the CPU
 * per CREATE at P16.
 *
 * <p>The timeout is one timer for the oldest unanswered batch, not one per batch: batches are sent in order with
 * the same timeout, so their deadlines come in that order, and a timer per batch (scheduled, then cancelled when
 * Redis answers, a few microseconds later) cost more than the rest of the batching. When the timer fires it fails
 * every batch whose deadline has passed, then waits for the next deadline, if a batch is still unanswered.
 *
 * <p>At most {@link RedisOptionsFactory#MAX_WAITING_HANDLERS} commands are out on the connection at once: the
 * Redis client refuses any beyond that, and a node's clients together may pipeline many more (each connection up
 * to {@code limits.max_pipeline}; what they hold is bounded in bytes by {@code limits.max_buffered_bytes}). The
 * rest wait here, in arrival order, and leave as answers make room. Their timeout runs from when they arrived,
 * not from when they leave: every command is answered within the storage timeout of reaching this verticle, which
 * is what the node verticle's own wait ({@code StorageClient}: the storage timeout and a second) counts on. One
 * whose time ran out while held fails without being sent.
 *
 * <p>With {@code durability.replicas} (a {@link ReplicaWait}), a batch that carries writes that must reach the
 * replicas ends with one {@code WAIT}, sent after the batch's commands on their connection, and each such write is
 * answered once both its own reply and the WAIT's are in: OK only when enough replicas confirmed it (SPEC 2.1).
 * One WAIT per batch, not per write: WAIT counts the replicas that hold every write sent before it on its
 * connection. The WAIT is a command of the batch like the others (in the count of those out, under the same
 * deadline), so room is kept for it.
 *
 * <p>Used from the storage verticle's context only.
 */
final class CommandBatcher {

  /**
   * How a command of a batch that failed as a whole gets its own answer: by running it again (a read), by finding
   * out whether it took effect (a SET NX), never for one that is sent alone ({@link #ALONE}).
   */
  @FunctionalInterface
  interface Retry {
    Future<Response> on(RedisConnection connection, Request request);
  }

  /** A read: sent again as it was. One instance for all reads, so that a read costs no retry object of its own. */
  static final Retry RESEND = RedisConnection::send;

  /** A command whose reply cannot be had again (UNLINK: its count): never in a batch, always its own send. */
  static final Retry ALONE = null;

  /** @param replicated answered only once the batch's WAIT confirmed it (when there is a {@link ReplicaWait}) */
  private record Pending(Request request, Retry retry, Promise<Response> answer, boolean replicated) {
  }

  private record Held(Pending pending, long arrivedNanos) {
  }

  /**
   * A batch sent and not yet settled: settled once its last command is answered or failed, or when it times out
   * (which fails the commands still unanswered), whichever comes first.
   */
  private static final class Sent {
    final List<Pending> batch;
    final Future<RedisConnection> connection;
    final long deadlineNanos;
    /** The reply of the WAIT that ends the batch, or {@code null} when it has none. */
    final Future<Response> replicas;
    /** Its commands not yet answered; none once it timed out. */
    int unanswered;

    Sent(List<Pending> batch, Future<RedisConnection> connection, long deadlineNanos, Future<Response> replicas) {
      this.batch = batch;
      this.connection = connection;
      this.deadlineNanos = deadlineNanos;
      this.replicas = replicas;
      this.unanswered = batch.size();
    }

    boolean settled() {
      return unanswered == 0;
    }
  }

  private final Vertx vertx;
  private final RedisConnectionHolder connection;
  private final long timeoutMs;
  private final long timeoutNanos;
  /** {@code null} without {@code durability.replicas}. */
  private final ReplicaWait replicaWait;
  /** Room kept on the connection for the WAIT that may end a batch. */
  private final int waitRoom;
  private final TurnBatch<Pending> turn;
  /** In the order sent, so by deadline. A batch answered out of order (after a reconnect) waits here settled. */
  private final ArrayDeque<Sent> unsettled = new ArrayDeque<>();
  private boolean timerArmed;
  /** Commands sent and not yet settled: at most {@link RedisOptionsFactory#MAX_WAITING_HANDLERS}. */
  private int inFlight;
  /** Commands waiting for room on the connection, in arrival order. */
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  CommandBatcher(Context context, RedisConnectionHolder connection, long timeoutMs) {
    this(context, connection, timeoutMs, null);
  }

  /** @param replicaWait what confirms replicated writes, or {@code null} when none must reach replicas */
  CommandBatcher(Context context, RedisConnectionHolder connection, long timeoutMs, ReplicaWait replicaWait) {
    this.replicaWait = replicaWait;
    this.waitRoom = replicaWait == null ? 0 : 1;
    this.vertx = context.owner();
    this.connection = connection;
    this.timeoutMs = timeoutMs;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    this.turn = new TurnBatch<>(context, this::flush);
  }

  /** A read, which a batch that failed as a whole runs again to get its own answer. */
  Future<Response> send(Request request) {
    return send(request, RESEND);
  }

  /** @param retry how it gets its own answer when its batch failed as a whole, or {@link #ALONE} */
  Future<Response> send(Request request, Retry retry) {
    return send(request, retry, false);
  }

  /**
   * @param replicated a write answered only once the replicas confirmed it (with a {@link ReplicaWait}; a
   *     {@link ReplicaWait.Unconfirmed} failure when fewer did); without one, as any command
   */
  Future<Response> send(Request request, Retry retry, boolean replicated) {
    Promise<Response> answer = Promise.promise();
    turn.add(new Pending(request, retry, answer, replicated));
    return answer.future();
  }

  private void flush(List<Pending> batch) {
    long now = System.nanoTime();
    if (held.isEmpty() && inFlight + batch.size() + waitRoom <= RedisOptionsFactory.MAX_WAITING_HANDLERS) {
      send(batch, now);
    } else {
      for (Pending pending : batch) {
        held.addLast(new Held(pending, now));
      }
      sendHeld();
    }
  }

  /** Fails the held commands whose time ran out, then sends as many as there is room for, in one batch. */
  private void sendHeld() {
    if (held.isEmpty()) { // the common case, on every answer: no clock read
      return;
    }
    long now = System.nanoTime();
    TimeoutException timedOut = null;
    while (!held.isEmpty() && now - held.peekFirst().arrivedNanos() >= timeoutNanos) {
      // one failure for all the commands that ran out together: hundreds of thousands can be held (AGGREGATEs of many
      // keys read a part at a time), and a failure each held the event loop for seconds
      timedOut = timedOut == null ? timedOut(timeoutMs) : timedOut;
      held.pollFirst().pending().answer().fail(timedOut);
    }
    int room = Math.min(RedisOptionsFactory.MAX_WAITING_HANDLERS - inFlight - waitRoom, held.size());
    if (room <= 0) {
      return;
    }
    long oldestArrival = held.peekFirst().arrivedNanos();
    List<Pending> batch = new ArrayList<>(room);
    for (int i = 0; i < room; i++) {
      batch.add(held.pollFirst().pending());
    }
    send(batch, oldestArrival);
  }

  /** @param arrivedNanos when the oldest command of {@code batch} arrived: its deadline is the batch's */
  private void send(List<Pending> batch, long arrivedNanos) {
    Pending wait = replicaWait == null ? null : replicaWaitFor(batch);
    List<Pending> all = batch;
    if (wait != null) {
      all = new ArrayList<>(batch.size() + 1);
      all.addAll(batch);
      all.add(wait);
    }
    inFlight += all.size();
    Future<RedisConnection> current = connection.get();
    Sent sent = new Sent(all, current, arrivedNanos + timeoutNanos, wait == null ? null : wait.answer().future());
    unsettled.addLast(sent);
    if (!timerArmed) {
      arm(millisUntil(sent.deadlineNanos, System.nanoTime()));
    }
    current.onComplete(opened -> {
      if (sent.settled()) { // timed out while the connection was being opened: nothing of it goes out
        return;
      }
      if (opened.failed()) {
        settle(sent);
        fail(sent, opened.cause(), true);
        afterSettling();
        return;
      }
      RedisConnection c = opened.result();
      List<Pending> together = new ArrayList<>(batch.size());
      for (Pending pending : batch) {
        if (pending.retry() == ALONE || batch.size() == 1) {
          c.send(pending.request()).onComplete(reply -> answered(sent, pending, reply));
        } else {
          together.add(pending);
        }
      }
      if (together.size() == 1) {
        Pending only = together.get(0);
        c.send(only.request()).onComplete(reply -> answered(sent, only, reply));
      } else if (!together.isEmpty()) {
        c.batch(together.stream().map(Pending::request).toList())
          .onComplete(replies -> answered(sent, together, replies));
      }
      if (wait != null) { // last, on the same connection: it counts the replicas that hold all of the above
        c.send(wait.request()).onComplete(reply -> answered(sent, wait, reply));
      }
    });
  }

  /** The WAIT that ends {@code batch}, or {@code null} when no command of it must reach the replicas. */
  private Pending replicaWaitFor(List<Pending> batch) {
    for (Pending pending : batch) {
      if (pending.replicated()) {
        return new Pending(replicaWait.request(), ALONE, Promise.promise(), false);
      }
    }
    return null;
  }

  /**
   * The replies of a batch. vertx-redis-client 5 fails a whole batch when one command in it gets an error reply,
   * and drops the replies of the others; then each gets its own answer through its {@link Retry}, one command
   * each, on the connection of the moment.
   */
  private void answered(Sent sent, List<Pending> together, AsyncResult<List<Response>> replies) {
    if (replies.succeeded()) {
      for (int i = 0; i < together.size(); i++) {
        answered(sent, together.get(i), Future.succeededFuture(replies.result().get(i)));
      }
      return;
    }
    Throwable cause = replies.cause();
    boolean errorReply = cause instanceof Response && !String.valueOf(cause.getMessage()).contains("CONNECTION_CLOSED");
    for (Pending pending : together) {
      if (errorReply && !sent.settled()) {
        connection.get().compose(c -> pending.retry().on(c, pending.request()).compose(reply -> confirmRetry(c, pending, reply)))
          .onComplete(reply -> answered(sent, pending, reply));
      } else {
        answered(sent, pending, Future.failedFuture(cause));
      }
    }
  }

  /**
   * A replicated write that got its own answer through its {@link Retry} went out after the batch's WAIT, maybe on
   * another connection: a WAIT of its own on that connection confirms what the retry wrote. It still waits for the
   * batch's WAIT too, which confirms what its first sending wrote.
   */
  private Future<Response> confirmRetry(RedisConnection c, Pending pending, Response reply) {
    if (replicaWait == null || !pending.replicated()) {
      return Future.succeededFuture(reply);
    }
    return c.send(replicaWait.request()).transform(wait -> {
      ReplicaWait.Unconfirmed unconfirmed = replicaWait.judge(reply, wait);
      return unconfirmed == null ? Future.succeededFuture(reply) : Future.failedFuture(unconfirmed);
    });
  }

  private void answered(Sent sent, Pending pending, AsyncResult<Response> reply) {
    if (sent.settled()) { // timed out already: its unanswered commands have failed
      return;
    }
    sent.unanswered--;
    inFlight--;
    if (reply.succeeded() && pending.replicated() && sent.replicas != null) {
      Response own = reply.result();
      // the batch may time out while the WAIT blocks: that fails this answer first, hence the tries
      sent.replicas.onComplete(wait -> {
        ReplicaWait.Unconfirmed unconfirmed = replicaWait.judge(own, wait);
        if (unconfirmed == null) {
          pending.answer().tryComplete(own);
        } else {
          pending.answer().tryFail(unconfirmed);
        }
      });
    } else if (reply.succeeded()) {
      pending.answer().complete(reply.result());
    } else {
      // an error reply (OOM, READONLY, MISCONF) came over a working connection and concerns this command only:
      // replacing the connection would cost a reconnect per failing command while Redis keeps refusing; no answer
      // at all (the connection lost, a write that failed) is what replaces it; nor do too few replicas
      if (!(reply.cause() instanceof Response) && !(reply.cause() instanceof ReplicaWait.Unconfirmed)) {
        connection.drop(sent.connection);
      }
      pending.answer().fail(reply.cause());
    }
    if (sent.settled()) {
      afterSettling();
    }
  }

  /** Forgets the settled batches at the head of the queue and sends what was held for room. */
  private void afterSettling() {
    while (!unsettled.isEmpty() && unsettled.peekFirst().settled()) {
      unsettled.pollFirst();
    }
    sendHeld();
  }

  private void arm(long delayMs) {
    timerArmed = true;
    vertx.setTimer(delayMs, id -> expire());
  }

  /**
   * Fails the batches past their deadline; the timer may also find the oldest one answered and a later one due.
   * A batch that timed out replaces its connection, which would fail every other batch still out on it with the
   * client's bare "CONNECTION_CLOSED": those fail here instead, with the reason.
   */
  private void expire() {
    timerArmed = false;
    long now = System.nanoTime();
    while (!unsettled.isEmpty()) {
      Sent oldest = unsettled.peekFirst();
      if (!oldest.settled()) {
        long left = oldest.deadlineNanos - now;
        if (left > 0) {
          arm(millisUntil(oldest.deadlineNanos, now));
          break; // the batches that did expire made room for held commands all the same
        }
        List<Sent> lost = new ArrayList<>();
        for (Sent later : unsettled) {
          if (later != oldest && !later.settled() && later.connection == oldest.connection) {
            lost.add(later);
          }
        }
        // all settled before any fails: a failure's callbacks may send again, which adds to unsettled
        settle(oldest);
        lost.forEach(this::settle);
        fail(oldest, timedOut(timeoutMs), true);
        lost.forEach(later -> fail(later, lostWithConnection(timeoutMs), false));
      }
      unsettled.pollFirst();
    }
    sendHeld();
  }

  /** Gives back the room of the commands still unanswered, which the caller then fails. */
  private void settle(Sent sent) {
    inFlight -= sent.unanswered;
    sent.unanswered = 0;
  }

  /** Vert.x's timer fires no sooner than asked, rounded up to whole milliseconds, at least one. */
  private static long millisUntil(long deadlineNanos, long now) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - now + 999_999));
  }

  /** A storage command's timeout: what happened, and the setting that bounds it. */
  static TimeoutException timedOut(long timeoutMs) {
    return new StorageTimeout("Redis did not answer within " + timeoutMs + " ms (limits.storage_timeout_ms)");
  }

  /** A command still out on a connection that another command's timeout replaced. */
  static TimeoutException lostWithConnection(long timeoutMs) {
    return new StorageTimeout("the connection to Redis was replaced: a command sent before this one got no "
      + "answer within " + timeoutMs + " ms (limits.storage_timeout_ms)");
  }

  /**
   * A timeout says all there is in its message: the stack of the timer or the sweep that found it says nothing, and
   * filling it in for every command of a stalled Redis is what held an event loop.
   */
  private static final class StorageTimeout extends TimeoutException {
    StorageTimeout(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  private void fail(Sent sent, Throwable cause, boolean replaceConnection) {
    if (replaceConnection) {
      connection.drop(sent.connection);
    }
    for (Pending p : sent.batch) {
      p.answer().tryFail(cause); // those answered already keep their answer
    }
  }
}
