package io.multiverse9.wire;

import io.multiverse9.net.ClosingNow;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayDeque;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One pipelined connection to a node: many request frames in flight, answers matched in order (SPEC 1.1
 * promises in-order answers). A request that is not answered within its timeout, or an answer that cannot be
 * parsed, means the connection can no longer be trusted: it is closed and every request still on it fails with
 * the exception its owner makes of the reason ({@code unavailable}), so that the client library and the peer pool
 * each fail in their own terms. Used from the event loop of the socket's context only.
 */
public final class FrameChannel {

  private static final Logger LOG = Logger.getLogger(FrameChannel.class.getName());

  /** A node's answer frame. */
  public record Response(int status, Buffer payload) {
  }

  private final Vertx vertx;
  private final NetSocket socket;
  private final String peer;
  private final int maxPending;
  private final long maxResponseBytes;
  private final Function<String, ? extends RuntimeException> unavailable;
  private final ArrayDeque<Promise<Response>> pending = new ArrayDeque<>();
  private final RecordParser parser;
  private Runnable onClose = () -> { };
  private boolean closed;
  private int status = -1;

  /** @param unavailable makes the failure of a request that got no answer, from the reason why */
  public FrameChannel(Vertx vertx, NetSocket socket, String peer, int maxPending, long maxResponseBytes,
                      Function<String, ? extends RuntimeException> unavailable) {
    this.vertx = vertx;
    this.socket = socket;
    this.peer = peer;
    this.maxPending = maxPending;
    this.maxResponseBytes = maxResponseBytes;
    this.unavailable = unavailable;
    this.parser = RecordParser.newFixed(6, socket);
    parser.handler(this::onRecord);
    parser.exceptionHandler(e -> close("cannot read its answer: " + e.getMessage()));
    socket.exceptionHandler(e -> LOG.fine(() -> "peer " + peer + ": " + e));
    socket.closeHandler(v -> failAll("the connection to " + peer + " closed"));
  }

  public void onClose(Runnable action) {
    onClose = action;
  }

  public boolean isOpen() {
    return !closed;
  }

  public int load() {
    return pending.size();
  }

  /**
   * Sends one request frame.
   *
   * @param timeoutMs how long the answer may take, or 0 for no bound
   * @return the answer, or the owner's {@code unavailable} failure
   */
  public Future<Response> send(Buffer frame, long timeoutMs) {
    if (closed) {
      return Future.failedFuture(unavailable.apply("the connection to " + peer + " closed"));
    }
    if (pending.size() >= maxPending) {
      return Future.failedFuture(unavailable.apply(
        peer + " has " + maxPending + " requests waiting on this connection"));
    }
    Promise<Response> promise = Promise.promise();
    pending.add(promise);
    socket.write(frame);
    if (timeoutMs <= 0) {
      return promise.future();
    }
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (!promise.future().isComplete()) {
        // answers come in order, so one that never comes blocks every later one: start afresh
        close(peer + " did not answer within " + timeoutMs + " ms (limits.peer_timeout_ms)");
      }
    });
    return promise.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  public Future<Void> close(String why) {
    if (!closed) {
      LOG.fine(() -> "closing connection to " + peer + ": " + why);
      failAll(why);
      // every request on it has just failed: what is still queued to send is worthless, and a peer that stopped
      // reading would hold a graceful close open for good
      return ClosingNow.close(socket);
    }
    return Future.succeededFuture();
  }

  private void onRecord(Buffer record) {
    if (status < 0) {
      status = record.getUnsignedShort(0);
      long length = record.getUnsignedInt(2);
      if (length > maxResponseBytes) {
        close(peer + " announced an answer of " + length + " bytes, more than " + maxResponseBytes);
      } else if (length == 0) {
        deliver(Buffer.buffer(0));
      } else {
        parser.fixedSizeMode((int) length);
      }
    } else {
      deliver(record);
    }
  }

  private void deliver(Buffer payload) {
    int answered = status;
    status = -1;
    parser.fixedSizeMode(6);
    Promise<Response> promise = pending.poll();
    if (promise == null) {
      close(peer + " sent an answer to no request");
      return;
    }
    promise.tryComplete(new Response(answered, payload));
  }

  private void failAll(String why) {
    boolean first = !closed;
    closed = true;
    RuntimeException failure = unavailable.apply(why);
    for (Promise<Response> p = pending.poll(); p != null; p = pending.poll()) {
      p.tryFail(failure);
    }
    if (first) {
      onClose.run();
    }
  }
}
