package io.multiverse9.node;

import io.multiverse9.net.ClosingNow;
import io.multiverse9.net.HalfClose;
import io.multiverse9.protocol.Form;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.ProtocolException;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.Request;
import io.multiverse9.protocol.RequestDecoder;
import io.multiverse9.protocol.ResponseEncoder;
import io.multiverse9.protocol.Status;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * One client connection: decodes requests, hands them to the {@link RequestHandler}, and writes the answers
 * <em>in the order the requests arrived</em> (SPEC 1.1), whatever order they complete in.
 *
 * <p>All state is confined to the socket's event loop. Reading stops while {@code max_pipeline} requests are in
 * flight or the socket's write queue is full, and resumes as answers drain (SPEC 1.6), so a connection never
 * buffers without bound. Answers that complete in the same event-loop turn (a Redis batch answers many at once)
 * go out in one write: one system call for a pipeline's worth of answers, not one each.
 */
final class Connection implements RequestDecoder.Listener {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  /** A request in flight; its reply is set once it is known. */
  private static final class Slot {
    final Form form;
    final Request request;
    Reply reply;

    Slot(Form form, Request request) {
      this.form = form;
      this.request = request;
    }

    boolean isRemove() {
      return request != null && request.opcode() == Opcode.REMOVE;
    }
  }

  private final NetSocket socket;
  private final RequestHandler handler;
  private final Session session;
  private final SettingsHolder settings;
  private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
  private final ArrayDeque<Slot> notStarted = new ArrayDeque<>();
  private int running;
  private boolean removeRunning;
  private RecordParser parser;
  private boolean readingPaused;
  private boolean readNoMore;  // after a fatal protocol error or when the node shuts down
  private boolean inputEnded;  // the client shut its write side: answer what it sent, then close
  private boolean closed;
  private boolean flushScheduled;
  private Context context;
  private long lastActivityNanos = System.nanoTime();

  /** @param verifiedCertificate the client presented a certificate that tls.ca verified */
  Connection(NetSocket socket, RequestHandler handler, SettingsHolder settings, boolean verifiedCertificate) {
    this.socket = socket;
    this.handler = handler;
    this.settings = settings;
    this.session = new Session(socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress(),
      verifiedCertificate);
  }

  void start(Context context, Runnable onClosed) {
    this.context = context;
    parser = RecordParser.newFixed(1, socket);
    RequestDecoder.attach(parser, () -> settings.get().limits().maxFrameBytes(), this);
    // Replaces the parser's own end handler: at the end of input RecordParser would hand out a partial request
    // (a line without its newline, half a frame) as if it were whole. Only complete requests are answered.
    socket.endHandler(v -> inputEnded());
    socket.drainHandler(v -> updateReading());
    socket.exceptionHandler(e -> LOG.fine(() -> "connection from " + session.remoteIp() + ": " + e));
    socket.closeHandler(v -> {
      closed = true;
      onClosed.run();
    });
    socket.shutdownHandler(v -> readNoMore());
    HalfClose.enable(socket, context, this::inputEnded);
  }

  /** The client sent all it will send: answer what came whole, then close. */
  private void inputEnded() {
    inputEnded = true;
    flush();
  }

  /**
   * Idle: nothing in flight and no complete request for {@code idleNanos}. Bytes that never make up a request
   * do not count, so a client trickling a frame one byte at a time is closed as well.
   */
  boolean idleFor(long idleNanos, long now) {
    return inFlight.isEmpty() && now - lastActivityNanos > idleNanos;
  }

  /** Closes an idle connection at once: answers it never read are dropped (what they acknowledged is stored). */
  void closeIdle() {
    ClosingNow.close(socket);
  }

  @Override
  public void onRequest(Request request) {
    lastActivityNanos = System.nanoTime();
    Slot slot = new Slot(request.form(), request);
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
    while (!notStarted.isEmpty() && !removeRunning) {
      Slot next = notStarted.peek();
      if (next.isRemove() && running > 0) {
        return;
      }
      notStarted.poll();
      start(next);
    }
  }

  private void start(Slot slot) {
    running++;
    removeRunning = slot.isRemove();
    handler.handle(slot.request, session).onComplete(ar -> {
      running--;
      if (slot.isRemove()) {
        removeRunning = false;
      }
      slot.reply = ar.succeeded() ? ar.result()
        : Reply.error(Status.INTERNAL, "the node failed to answer: " + ar.cause());
      flushLater();
      startWhatMay();
    });
  }

  @Override
  public void onError(ProtocolException error) {
    Slot slot = new Slot(error.form(), null);
    slot.reply = Reply.error(error.status(), error.getMessage());
    inFlight.add(slot);
    if (error.fatal()) {
      LOG.fine(() -> "closing connection from " + session.remoteIp() + ": " + error.getMessage());
      // read and drop whatever else the client sends, so that closing does not reset the connection before
      // the client has read the answer
      socket.handler(ignored -> { });
      socket.resume();
      readNoMore = true;
    }
    flush();
  }

  private void readNoMore() {
    readNoMore = true;
    flush();
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
    Buffer out = null;
    while (!inFlight.isEmpty() && inFlight.peek().reply != null) {
      Slot slot = inFlight.poll();
      if (out == null) {
        out = Buffer.buffer(256);
      }
      ResponseEncoder.appendTo(out, slot.reply, slot.form);
    }
    if (out != null) {
      lastActivityNanos = System.nanoTime();
      socket.write(out);
    }
    updateReading();
    if (!closed && inFlight.isEmpty() && (readNoMore || (inputEnded && !readingPaused))) {
      closed = true;
      socket.end();
    }
  }

  private void updateReading() {
    boolean pause = readNoMore || inFlight.size() >= settings.get().limits().maxPipeline()
      || socket.writeQueueFull();
    // the parser stops handing out what it already holds; the socket stops reading more from the kernel
    if (pause && !readingPaused) {
      readingPaused = true;
      parser.pause();
      socket.pause();
    } else if (!pause && readingPaused) {
      readingPaused = false;
      socket.resume();
      parser.resume();
      if (inputEnded && inFlight.isEmpty()) {
        flush();
      }
    }
  }
}
