package io.multiverse9.wire;

import io.multiverse9.net.ClosingNow;
import io.multiverse9.protocol.FrameHeader;
import io.multiverse9.protocol.MalformedAnswerException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One pipelined connection to a node: many request frames in flight, answers matched in order (SPEC 1.1
 * promises in-order answers). A request that is not answered within its timeout, or an answer that cannot be
 * read, means the connection can no longer be trusted: it is closed and every request still on it fails with
 * the exception its owner makes of the reason ({@code unavailable}), so that the client library and the peer pool
 * each fail in their own terms. The frames sent in one event-loop turn go out in one write ({@link TurnWriter}).
 *
 * <p>An answer is read as its bytes arrive: its header goes to the request's {@link AnswerReader.Start}, which
 * may refuse it unread (SPEC 1.6: a peer's answer over {@code limits.max_answer_bytes}), and its payload to the
 * reader, read by read, so that the work of one event-loop turn is the bytes of one read, never a whole answer.
 * Made and used on the socket's context only.
 */
public final class FrameChannel {

  private static final Logger LOG = Logger.getLogger(FrameChannel.class.getName());

  /** A node's answer frame, read whole ({@link WholePayload}). The payload is the receiver's alone. */
  public record Response(int status, Buffer payload) {
  }

  /** An answer being read: its request, and its reader. */
  private record Reading<T>(PendingRequests.Request<T> request, AnswerReader<T> reader) {
  }

  private final NetSocket socket;
  private final String peer;
  private final int maxPending;
  private LongSupplier maxUnsentBytes = () -> Long.MAX_VALUE;
  private final long maxResponseBytes;
  private final Function<String, ? extends RuntimeException> unavailable;
  private final PendingRequests pending;
  private final TurnWriter writer;
  /** A header that came split over reads, gathered here until whole; most come whole in one read. */
  private final Buffer splitHeader = Buffer.buffer(new byte[FrameHeader.BYTES]);
  private int headerFilled;
  /** The answer whose payload is being read, or null between answers. */
  private Reading<?> reading;
  private long payloadLeft;
  private Runnable onClose = () -> { };
  private boolean closed;

  /**
   * @param maxResponseBytes the largest answer {@link #send(Buffer, long)} takes whole
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
    socket.handler(this::onRead);
    socket.exceptionHandler(e -> LOG.fine(() -> "peer " + peer + ": " + e));
    socket.closeHandler(v -> failAll("the connection to " + peer + " closed"));
  }

  /**
   * Bounds what waits to be sent: a request that would make more than {@code maxUnsentBytes} wait for a peer that
   * does not read fails at once, as the owner's {@code unavailable}, instead of queueing in memory. Read anew on
   * each request, so a changed limit applies at once.
   */
  public FrameChannel boundUnsent(LongSupplier maxUnsentBytes) {
    this.maxUnsentBytes = maxUnsentBytes;
    return this;
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
   * Sends one request frame; its answer is read whole, up to the {@code maxResponseBytes} this channel was made
   * with.
   *
   * @param timeoutMs how long the whole answer may take, or 0 for no bound
   * @return the answer, or the owner's {@code unavailable} failure
   */
  public Future<Response> send(Buffer frame, long timeoutMs) {
    return send(frame, timeoutMs, (status, length) -> new WholePayload(status, length, maxResponseBytes));
  }

  /**
   * Sends one request frame; its answer is read by the reader {@code reader} chooses from the answer's header.
   *
   * @param timeoutMs how long the whole answer may take, or 0 for no bound
   * @return the reader's answer, its failure, or the owner's {@code unavailable} failure
   */
  public <T> Future<T> send(Buffer frame, long timeoutMs, AnswerReader.Start<T> reader) {
    if (closed) {
      return Future.failedFuture(unavailable.apply("the connection to " + peer + " closed"));
    }
    if (pending.size() >= maxPending) {
      return Future.failedFuture(unavailable.apply(
        peer + " has " + maxPending + " requests waiting on this connection"));
    }
    long waiting = writer.unsentBytes();
    if (waiting > 0 && waiting + frame.length() > maxUnsentBytes.getAsLong()) {
      return Future.failedFuture(unavailable.apply(peer + " is not reading what is sent to it: " + waiting
        + " bytes wait to be sent on this connection (limits.max_pending_bytes)"));
    }
    Future<T> answer = pending.add(reader, timeoutMs);
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

  /** One read off the socket: the rest of a header or payload, maybe several answers, maybe part of the next. */
  private void onRead(Buffer bytes) {
    int at = 0;
    int end = bytes.length();
    try {
      while (at < end && !closed) {
        if (reading == null && headerFilled == 0 && end - at >= FrameHeader.BYTES) {
          int status = FrameHeader.code(bytes, at);
          long length = FrameHeader.payloadLength(bytes, at);
          at += FrameHeader.BYTES;
          begin(status, length);
        } else if (reading == null) {
          int n = Math.min(FrameHeader.BYTES - headerFilled, end - at);
          splitHeader.setBuffer(headerFilled, bytes, at, n);
          headerFilled += n;
          at += n;
          if (headerFilled == FrameHeader.BYTES) {
            headerFilled = 0;
            begin(FrameHeader.code(splitHeader, 0), FrameHeader.payloadLength(splitHeader, 0));
          }
        } else {
          int n = (int) Math.min(payloadLeft, end - at);
          reading.reader().read(bytes, at, at + n);
          at += n;
          payloadLeft -= n;
          if (payloadLeft == 0) {
            finish();
          }
        }
      }
    } catch (AnswerRefusedException | MalformedAnswerException e) {
      close(peer + ": " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "reading an answer of " + peer, e);
      close(peer + ": cannot read its answer: " + e);
    }
  }

  private void begin(int status, long length) {
    PendingRequests.Request<?> request = pending.peek();
    if (request == null) {
      close(peer + " sent an answer to no request");
      return;
    }
    reading = reading(request, status, length);
    payloadLeft = length;
    if (length == 0) {
      finish();
    }
  }

  private static <T> Reading<T> reading(PendingRequests.Request<T> request, int status, long length) {
    return new Reading<>(request, request.reader().start(status, length));
  }

  private void finish() {
    Reading<?> read = reading;
    reading = null;
    complete(read);
  }

  private <T> void complete(Reading<T> read) {
    T answer;
    try {
      answer = read.reader().answer();
    } catch (AnswerRefusedException | MalformedAnswerException e) {
      throw e; // still waiting: the close this leads to fails it with the others
    } catch (RuntimeException e) {
      // the answer means this request failed (an error status): the others and the connection go on
      pending.poll();
      read.request().promise().tryFail(e);
      return;
    }
    pending.poll();
    read.request().promise().tryComplete(answer);
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
