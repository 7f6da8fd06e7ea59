package io.multiverse9.wire;

import io.multiverse9.net.ClosingNow;
import io.multiverse9.protocol.FrameHeader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One pipelined connection to a node: many request frames in flight, answers matched in order (SPEC 1.1
 * promises in-order answers). A request that is not answered within its timeout, or an answer that cannot be
 * parsed, means the connection can no longer be trusted: it is closed and every request still on it fails with
 * the exception its owner makes of the reason ({@code unavailable}), so that the client library and the peer pool
 * each fail in their own terms. The frames sent in one event-loop turn go out in one write ({@link TurnWriter}).
 * Made and used on the socket's context only.
 */
public final class FrameChannel {

  private static final Logger LOG = Logger.getLogger(FrameChannel.class.getName());

  /**
   * A node's answer frame. The payload is the receiver's alone (the parser copies each record out of the socket's
   * reads), so the receiver may keep slices of it.
   */
  public record Response(int status, Buffer payload) {
  }

  private final NetSocket socket;
  private final String peer;
  private final int maxPending;
  private final long maxResponseBytes;
  private final Function<String, ? extends RuntimeException> unavailable;
  private final PendingRequests pending;
  private final TurnWriter writer;
  private final RecordParser parser;
  private Runnable onClose = () -> { };
  private boolean closed;
  private int status = -1;

  /**
   * @param unavailable makes the failure of a request that got no answer, from the reason why
   * @throws IllegalStateException when not made on a Vert.x context, which must be the socket's
   */
  public FrameChannel(Vertx vertx, NetSocket socket, String peer, int maxPending, long maxResponseBytes,
                      Function<String, ? extends RuntimeException> unavailable) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("a FrameChannel is made on its socket's context");
    }
    this.socket = socket;
    this.peer = peer;
    this.maxPending = maxPending;
    this.maxResponseBytes = maxResponseBytes;
    this.unavailable = unavailable;
    // answers come in order, so one that never comes blocks every later one: start afresh
    this.pending = new PendingRequests(vertx, timeoutMs ->
      close(peer + " did not answer within " + timeoutMs + " ms (limits.peer_timeout_ms)"));
    this.writer = new TurnWriter(context, socket);
    this.parser = RecordParser.newFixed(FrameHeader.BYTES, socket);
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
    Future<Response> answer = pending.add(timeoutMs);
    writer.write(frame);
    return answer;
  }

  /** Writes made to the socket so far, however many frames each carried. */
  int socketWrites() {
    return writer.writes();
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
    parser.fixedSizeMode(FrameHeader.BYTES);
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
    writer.drop();
    pending.failAll(unavailable.apply(why));
    if (first) {
      onClose.run();
    }
  }
}
