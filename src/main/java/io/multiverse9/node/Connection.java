package io.multiverse9.node;

import io.multiverse9.config.Limits;
import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.net.ClosingNow;
import io.multiverse9.net.HalfClose;
import io.multiverse9.net.LingeringClose;
import io.multiverse9.net.ReadGate;
import io.multiverse9.net.WrappedBytes;
import io.multiverse9.protocol.Form;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.ProtocolException;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.Request;
import io.multiverse9.protocol.RequestDecoder;
import io.multiverse9.protocol.ResponseEncoder;
import io.multiverse9.protocol.Status;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * One client connection: decodes requests, hands them to the {@link RequestHandler}, and writes the answers
 * <em>in the order the requests arrived</em> (SPEC 1.1), whatever order they complete in.
 *
 * <p>All state is confined to the socket's event loop. Memory is counted in bytes (SPEC 1.6): what the parser holds
 * of requests not yet whole, the payloads of requests in flight, and answers not yet written to the socket. Reading
 * stops while {@code max_pipeline} requests are in flight, while {@code max_pending_bytes} of answers wait for the
 * socket, or while the node as a whole holds more than {@code max_buffered_bytes} ({@link BufferedBytes}); it
 * resumes as answers drain. A frame the connection may not send is refused from its header and its payload
 * skipped (SPEC 1.6, 3). Answers that complete in the same event-loop turn (a Redis batch answers many at once) go
 * out in one write: one system call for a pipeline's worth of answers, not one each.
 *
 * <p>Requests already read count too (SPEC 1.6): an answer is counted from the moment its values arrive, and an
 * AGGREGATE starts only while its values may be held. With nothing else running it starts unbounded (so one
 * answer larger than {@code max_pending_bytes} still goes through); beside others, it gets an allowance out of
 * what the connection and the node may still hold, reserved while it runs, and storage reads no more than that.
 * One that needs more is put back and runs alone once the connection's answers have drained below its limit. So
 * a connection holds at most its limits plus one answer, never {@code max_pipeline} values.
 */
final class Connection implements RequestDecoder.Listener {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  /** A request in flight; its reply is set once it is known. */
  private static final class Slot {
    final Form form;
    final Request request;
    Reply reply;
    /** What the reply is counted as until it is encoded: its length as a binary frame. */
    long replyBytes;
    /** The reply goes out as a binary frame of exactly {@link #replyBytes}, written by {@code encodeBinary}. */
    boolean exact;
    /** What the objects made from an AGGREGATE's targets hold while it runs, counted beside its payload. */
    long parsed;
    /** What an AGGREGATE may read while it runs, reserved for it; {@code null} until it starts. */
    Allowance allowance;

    Slot(Form form, Request request) {
      this.form = form;
      this.request = request;
    }

    void answer(Reply reply) {
      this.reply = reply;
      long exactBytes = ResponseEncoder.exactBinaryLength(reply);
      this.exact = exactBytes >= 0 && form == Form.BINARY;
      this.replyBytes = exactBytes >= 0 ? exactBytes : ResponseEncoder.binaryLength(reply);
    }

    /** The payload, and the objects that carry a request through the node, which are not free either. */
    int requestBytes() {
      return PER_REQUEST + (request == null ? 0 : request.payload().length());
    }

    boolean isRemove() {
      return request != null && request.opcode() == Opcode.REMOVE;
    }

    boolean isAggregate() {
      return request != null && request.opcode() == Opcode.AGGREGATE;
    }
  }

  /** What a request costs besides its payload (slot, request, futures, entry in the queues), roughly. */
  private static final int PER_REQUEST = 512;
  /**
   * The least an AGGREGATE started beside others may read: most values are far smaller, so with the default
   * max_pending_bytes some 256 such requests of one connection run at once, as many as a pipeline of small values
   * needs to keep Redis busy; larger values raise it ({@link #expected}).
   */
  private static final long MIN_ALLOWANCE = 16 * 1024;
  /** How long a connection closed by the node waits for its client to close its side, at most. */
  private static final long LINGER_MS = 2_000;
  /**
   * The most a turn's answer buffer is sized to before anything is written into it: the lengths it is sized by
   * are exact for binary answers but generous for METADATA and errors, so a buffer sized past this would hold
   * room that is never used; past it the buffer grows as it is written.
   */
  private static final int MAX_PRESIZED_WRITE = 4 << 20;
  /**
   * The most a turn's answers may add up to for them to be written into one array of their exact size (the largest
   * array a JVM makes): an exact size holds no room that is never used, so it needs no lower bound.
   */
  private static final long MAX_EXACT_WRITE = Integer.MAX_VALUE - 8;

  private final NetSocket socket;
  private final RequestHandler handler;
  private final Session session;
  private final SettingsHolder settings;
  private final BufferedBytes nodeHolds;
  private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
  private final ArrayDeque<Slot> notStarted = new ArrayDeque<>();
  /**
   * AGGREGATEs put back, older than any in notStarted: those whose values were more than their allowance (each runs
   * again alone) and those that could not ask peers yet.
   */
  private final ArrayDeque<Slot> deferred = new ArrayDeque<>();
  private int running;
  private boolean removeRunning;
  private RecordParser parser;
  private RequestDecoder decoder;
  /** Bytes read from the socket, ever: less what the decoder consumed, what the parser holds. */
  private long received;
  /** Payload bytes of the requests read and not yet answered. */
  private long requestBytes;
  /** Answers not yet written to the socket: waiting for earlier ones, or written and not yet flushed. */
  private long answerBytes;
  /** The allowances of the AGGREGATEs running bounded: what their values may come to. */
  private long reserved;
  /**
   * Whether the last peer asked sent nothing over its share (it fitted, or did not answer): AGGREGATEs naming peers
   * may then run side by side.
   */
  private boolean peersFitted;
  /** About the largest AGGREGATE answer of late, fading by an eighth per answer: what the next one may need. */
  private long expected;
  /** What this connection has added to {@link #nodeHolds}; given back when it closes. */
  private long counted;
  private boolean released;
  private boolean readingPaused;
  private boolean readNoMore;  // after a fatal protocol error or when the node shuts down
  private boolean inputEnded;  // the client shut its write side: answer what it sent, then close
  private boolean closed;
  private boolean flushScheduled;
  private boolean lingering;
  private Future<Void> lastWrite = Future.succeededFuture();
  private Context context;
  private long lastActivityNanos = System.nanoTime();

  /** @param verifiedCertificate the client presented a certificate that tls.ca verified */
  Connection(NetSocket socket, RequestHandler handler, SettingsHolder settings, BufferedBytes nodeHolds,
      boolean verifiedCertificate) {
    this.socket = socket;
    this.handler = handler;
    this.settings = settings;
    this.nodeHolds = nodeHolds;
    this.session = new Session(socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress(),
      verifiedCertificate);
  }

  void start(Context context, Runnable onClosed) {
    this.context = context;
    // fed by hand rather than attached to the socket, so that every byte read is counted; and the parser's own
    // end handling would hand out a partial request (a line without its newline, half a frame) as if it were whole
    parser = RecordParser.newFixed(1);
    decoder = RequestDecoder.attach(parser, () -> settings.get().limits().maxFrameBytes(), this);
    socket.handler(data -> {
      received += data.length();
      parser.handle(data);
      count();
      updateReading();
    });
    socket.endHandler(v -> inputEnded());
    socket.exceptionHandler(e -> LOG.fine(() -> "connection from " + session.remoteIp() + ": " + e));
    socket.closeHandler(v -> {
      closed = true;
      released = true;
      nodeHolds.add(-counted);
      onClosed.run();
    });
    socket.shutdownHandler(v -> {
      readNoMore();
      flush();
    });
    HalfClose.enable(socket, context, this::inputEnded);
  }

  /** The client sent all it will send: answer what came whole, then close. */
  private void inputEnded() {
    inputEnded = true;
    if (lingering) {
      LingeringClose.clientClosed(socket);
      return;
    }
    flush();
  }

  /**
   * Idle: no request being worked on, and for {@code idleNanos} neither a complete request in nor an answer out.
   * Bytes that never make up a request do not count, so a client trickling a frame one byte at a time is closed;
   * answers that the client never reads do not either, so neither is a client that stopped reading (SPEC 1.6).
   */
  boolean idleFor(long idleNanos, long now) {
    return running == 0 && now - lastActivityNanos > idleNanos;
  }

  /** Reads again if what stopped it has gone: called when the node as a whole drained below its limit. */
  void nodeDrained() {
    if (!closed) {
      startWhatMay();
    }
    if (readingPaused && !closed) {
      updateReading();
    }
  }

  // --- what this connection may send (SPEC 1.6, 3), decided from a frame's header ---

  @Override
  public ProtocolException admit(int code, long length) {
    Settings now = settings.get();
    Opcode opcode = Opcode.valueOf(code);
    if (opcode == null) {
      return refusal(Status.UNKNOWN_OPCODE, RequestHandler.unknown(Form.BINARY, String.format("0x%04X", code)));
    }
    String denied = Access.deny(now, session, opcode);
    if (denied != null) {
      return refusal(Status.FORBIDDEN, denied);
    }
    if (opcode == Opcode.PING && length > RequestHandler.MAX_PING_BYTES) {
      return refusal(Status.BAD_REQUEST, RequestHandler.PING_TOO_LONG);
    }
    int strangerMax = now.limits().maxStrangerFrameBytes();
    if (length > strangerMax && !Access.acknowledged(now, session)) {
      return refusal(Status.TOO_LARGE, "the frame announces " + length + " bytes; a connection that is not "
        + "acknowledged may send at most " + strangerMax + " (limits.max_stranger_frame_bytes): send AUTH with the "
        + "node's token first");
    }
    return null;
  }

  @Override
  public int maxLineBytes(int maxFrameBytes) {
    Settings now = settings.get();
    return Access.acknowledged(now, session) ? maxFrameBytes
      : Math.min(maxFrameBytes, now.limits().maxStrangerFrameBytes());
  }

  private static ProtocolException refusal(Status status, String message) {
    return new ProtocolException(status, Form.BINARY, false, message);
  }

  /** Closes an idle connection at once: answers it never read are dropped (what they acknowledged is stored). */
  void closeIdle() {
    ClosingNow.close(socket);
  }

  @Override
  public void onRequest(Request request) {
    lastActivityNanos = System.nanoTime();
    Slot slot = new Slot(request.form(), request);
    requestBytes += slot.requestBytes();
    inFlight.add(slot);
    notStarted.add(slot);
    updateReading();
    startWhatMay();
  }

  /**
   * Requests of one connection take effect in the order they arrived, as commands of one Redis connection do:
   * reads and creates run side by side, but a REMOVE waits for everything before it and holds back everything
   * after it, so that {@code AGGREGATE k, REMOVE k} pipelined always finds {@code k}.
   */
  private void startWhatMay() {
    while (!removeRunning && !closed) {
      ArrayDeque<Slot> from = deferred.isEmpty() ? notStarted : deferred;
      Slot next = from.peek();
      if (next == null || next.isRemove() && running > 0) {
        return;
      }
      if (next.isAggregate()) {
        // SPEC 1.6: no AGGREGATE starts unless what it may read is reserved within the limits. One that was over its
        // allowance runs again alone; one put back only because it could not ask peers yet runs beside others once
        // the connection's peers are known to fit (a first wave naming a cut-off peer: two peer timeouts, not one
        // each)
        boolean alone = from == deferred && (next.allowance.over() || !peersFitted);
        Allowance allowance = alone && running > 0 ? null : allowance(next, running == 0);
        if (allowance == null) {
          return;
        }
        next.allowance = allowance;
        reserved += allowance.bytes;
      }
      from.poll();
      start(next);
    }
  }

  /**
   * What an AGGREGATE may read: about what the connection's AGGREGATEs answered of late (twice the largest, fading
   * by an eighth per answer, at least {@link #MIN_ALLOWANCE}), or what it is known to need, within what the node
   * may still hold and {@code max_answer_bytes}. Beside others of the connection it must also fit in what the
   * connection may still hold ({@code max_pending_bytes}); alone, it may go past that (one answer as large as
   * max_answer_bytes must get through), once the client has read its answers down below it. {@code null}: not now.
   */
  private Allowance allowance(Slot slot, boolean alone) {
    Limits limits = settings.get().limits();
    long room = Math.min(limits.maxAnswerBytes(), nodeRoom(limits));
    if (alone && answerBytes >= limits.maxPendingBytes()) {
      return null;
    }
    if (!alone) {
      room = Math.min(room, limits.maxPendingBytes() - answerBytes - reserved);
    }
    long needed = slot.allowance == null ? 0 : slot.allowance.needed();
    // what it is known to need, and room for the parts whose size is not known (a peer that failed before)
    long wanted = needed > 0 ? needed + MIN_ALLOWANCE : Math.max(MIN_ALLOWANCE, 2 * expected);
    long bytes = Math.min(room, wanted);
    if (bytes <= 0 || bytes < needed || released || !nodeHolds.tryTake(bytes)) {
      return null;
    }
    // counted in the node's total at once, so that no other connection can reserve the same room
    counted += bytes;
    return new Allowance(bytes, slot.allowance, alone || peersFitted);
  }

  /** What the node may still hold: its limit, less what all connections hold and what this one has not told yet. */
  private long nodeRoom(Limits limits) {
    return limits.maxBufferedBytes() - nodeHolds.held() - (holds() - counted);
  }

  private void start(Slot slot) {
    running++;
    removeRunning = slot.isRemove();
    Future<Reply> reply = handler.handle(slot.request, session,
      slot.allowance == null ? Allowance.NONE : slot.allowance);
    // what parsing its targets made the node hold (SPEC 1.6), counted until it is answered or put back
    slot.parsed = slot.allowance == null ? 0 : slot.allowance.parsedBytes();
    requestBytes += slot.parsed;
    reply.onComplete(ar -> {
      running--;
      requestBytes -= slot.parsed;
      slot.parsed = 0;
      if (slot.isRemove()) {
        removeRunning = false;
      }
      if (slot.allowance != null) {
        reserved -= slot.allowance.bytes;
        if (slot.allowance.peersFitted() != null) {
          peersFitted = slot.allowance.peersFitted();
        }
      }
      if (ar.succeeded() && ar.result() == null) {
        // its values were more than its allowance (none was kept: it runs again alone, once it may hold them), or it
        // could not ask peers yet
        deferred.add(slot);
        count();
        startWhatMay();
        return;
      }
      requestBytes -= slot.requestBytes();
      slot.answer(ar.succeeded() ? ar.result()
        : Reply.error(Status.INTERNAL, "the node failed to answer: " + ar.cause()));
      answerBytes += slot.replyBytes;
      if (slot.isAggregate()) {
        expected = Math.max(slot.replyBytes, expected - (expected >> 3));
      }
      if (session.guessedTooOften() && !readNoMore) {
        LOG.fine(() -> "closing connection from " + session.remoteIp() + ": too many wrong tokens");
        readNoMore();
      }
      flushLater();
      startWhatMay();
    });
  }

  @Override
  public void onError(ProtocolException error) {
    Slot slot = new Slot(error.form(), null);
    slot.answer(Reply.error(error.status(), error.getMessage()));
    answerBytes += slot.replyBytes;
    inFlight.add(slot);
    if (error.fatal()) {
      LOG.fine(() -> "closing connection from " + session.remoteIp() + ": " + error.getMessage());
      readNoMore();
    }
    flush();
  }

  /**
   * Takes no more requests (after a fatal protocol error, or when the node shuts down); those already read are
   * answered, then the connection closes. Whatever else the client sends is read and dropped: closing with unread
   * input would reset the connection, and a reset can discard answers the client has not read yet.
   */
  private void readNoMore() {
    readNoMore = true;
    readingPaused = true;
    parser.pause();
    socket.handler(ignored -> { });
    ReadGate.open(socket);
  }

  /** Flushes once the answers completing in this event-loop turn are all in. */
  private void flushLater() {
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  private void flush() {
    if (closed) {
      return;
    }
    long encoded = 0;
    boolean allExact = true;
    for (Slot slot : inFlight) {
      if (slot.reply == null) {
        break;
      }
      encoded += slot.replyBytes;
      allExact &= slot.exact;
    }
    Buffer out = null;
    if (encoded > 0 && allExact && encoded <= MAX_EXACT_WRITE) {
      // the common turn (one AGGREGATE answer at a pipeline depth of one): each answer's bytes are written once,
      // into the array the socket is handed, not into an array of their own and then copied into a buffer
      byte[] bytes = new byte[(int) encoded];
      int at = 0;
      while (!inFlight.isEmpty() && inFlight.peek().reply != null) {
        at = ResponseEncoder.encodeBinary(inFlight.poll().reply, bytes, at);
      }
      out = WrappedBytes.of(bytes);
    } else if (encoded > 0) {
      // sized once: a buffer grown by doubling copies a large AGGREGATE answer several times over
      out = Buffer.buffer((int) Math.min(encoded, MAX_PRESIZED_WRITE));
      while (!inFlight.isEmpty() && inFlight.peek().reply != null) {
        Slot slot = inFlight.poll();
        ResponseEncoder.appendTo(out, slot.reply, slot.form);
      }
    }
    if (out != null) {
      // from here on the answers are counted as the bytes they encode to, until the socket has taken them
      int written = out.length();
      answerBytes += written - encoded;
      lastWrite = socket.write(out);
      lastWrite.onComplete(ar -> {
        answerBytes -= written;
        if (ar.succeeded()) {
          lastActivityNanos = System.nanoTime();
        }
        startWhatMay();
        count();
        updateReading();
      });
    }
    count();
    updateReading();
    if (!closed && inFlight.isEmpty() && (readNoMore || (inputEnded && !readingPaused))) {
      closed = true;
      if (inputEnded) {
        socket.end();
      } else {
        // the client may still be sending: a plain close could reset the connection under its unread answers
        lingering = true;
        lastWrite.onComplete(ar -> LingeringClose.start(socket, context.owner(), LINGER_MS));
      }
    }
  }

  /** Tells the node what this connection holds now. */
  private void count() {
    if (released) {
      return;
    }
    long holds = holds();
    if (holds != counted) {
      nodeHolds.add(holds - counted);
      counted = holds;
    }
  }

  private long holds() {
    return (received - decoder.consumed()) + requestBytes + answerBytes + reserved;
  }

  private void updateReading() {
    if (readNoMore) {
      return;
    }
    Limits limits = settings.get().limits();
    boolean pause = inFlight.size() >= limits.maxPipeline() || answerBytes >= limits.maxPendingBytes()
      || nodeHolds.over();
    // the parser stops handing out what it already holds; the socket stops reading more from the kernel
    if (pause && !readingPaused) {
      readingPaused = true;
      parser.pause();
      ReadGate.close(socket);
    } else if (!pause && readingPaused) {
      readingPaused = false;
      ReadGate.open(socket);
      parser.resume();
      if (inputEnded && inFlight.isEmpty()) {
        flush();
      }
    }
  }
}
