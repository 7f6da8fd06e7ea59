package io.multiverse9.server;

import io.multiverse9.config.SettingsHolder;
import io.multiverse9.net.ClosingNow;
import io.multiverse9.net.HalfClose;
import io.multiverse9.net.LingeringClose;
import io.multiverse9.net.ReadGate;
import io.multiverse9.protocol.ProtocolException;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.Request;
import io.multiverse9.protocol.RequestDecoder;
import io.multiverse9.protocol.Status;
import io.multiverse9.service.Admission;
import io.multiverse9.service.Allowance;
import io.multiverse9.service.RequestHandler;
import io.multiverse9.service.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * One client connection: decodes requests, starts them in the order that keeps their effects ordered, hands them
 * to the {@link RequestHandler}, and writes the answers <em>in the order the requests arrived</em> (SPEC 1.1),
 * whatever order they complete in. Its parts: the {@link AnswerQueue} (in-order answers), the
 * {@link ConnectionBudget} (what it makes the node hold, SPEC 1.6), the {@link AnswerWriter} (a turn's answers in one
 * write) and its {@link Lifecycle}; what it may send is decided from each frame's header by {@link Admission}.
 *
 * <p>All state is confined to the socket's event loop. Reading stops while {@code max_pipeline} requests are in
 * flight, while {@code max_pending_bytes} of answers wait for the socket, or while the node as a whole holds more
 * than {@code max_buffered_bytes}; it resumes as answers drain. It also stops after an AUTH until the AUTH is
 * answered, so that the requests after it are admitted as the connection it made (SPEC 3: access is decided per
 * request). An AGGREGATE starts only once what it may read is reserved ({@link ConnectionBudget#reserve}); one whose
 * values come to more is put back and runs again alone when there is room for what it needs.
 */
final class Connection implements RequestDecoder.Listener {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  /** How long a connection closed by the node waits for its client to close its side, at most. */
  private static final long LINGER_MS = 2_000;

  private final NetSocket socket;
  private final RequestHandler handler;
  private final Session session;
  private final SettingsHolder settings;
  private final BufferedBytes nodeHolds;
  private final AnswerQueue answers = new AnswerQueue();
  private final ArrayDeque<Slot> notStarted = new ArrayDeque<>();
  /**
   * AGGREGATEs put back, older than any in notStarted: those whose values were more than their allowance (each runs
   * again alone) and those that could not ask peers yet.
   */
  private final ArrayDeque<Slot> deferred = new ArrayDeque<>();
  private ConnectionBudget budget;
  private Lifecycle state = Lifecycle.READING;
  private int running;
  private boolean removeRunning;
  /**
   * AUTH requests read and not yet answered: nothing after one is decoded until it is, since what a request may send
   * (and how long it may be) is decided from its header against what the AUTHs before it made of the connection.
   */
  private int authsUnanswered;
  /**
   * Whether the last peer asked sent nothing over its share (it fitted, or did not answer): AGGREGATEs naming peers
   * may then run side by side.
   */
  private boolean peersFitted;
  private RecordParser parser;
  /** The client shut its write side: answer what it sent, then close. */
  private boolean inputEnded;
  private boolean flushScheduled;
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
    RequestDecoder decoder = RequestDecoder.attach(parser, () -> settings.get().limits().maxFrameBytes(), this);
    budget = new ConnectionBudget(settings, nodeHolds, decoder::consumed);
    socket.handler(data -> {
      budget.received(data.length());
      parser.handle(data);
      budget.count();
      updateReading();
    });
    socket.endHandler(v -> inputEnded());
    socket.exceptionHandler(e -> LOG.fine(() -> "connection from " + session.remoteIp() + ": " + e));
    socket.closeHandler(v -> {
      state = Lifecycle.CLOSED;
      budget.release();
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
    if (state == Lifecycle.LINGERING) {
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

  /** Starts and reads again if what stopped it has gone: called when the node as a whole drained below its limit. */
  void nodeDrained() {
    if (state.answers()) {
      startWhatMay();
    }
    if (state == Lifecycle.PAUSED) {
      updateReading();
    }
  }

  @Override
  public ProtocolException admit(int code, long length) {
    return Admission.admit(settings.get(), session, code, length);
  }

  @Override
  public int maxLineBytes(int maxFrameBytes) {
    return Admission.maxLineBytes(settings.get(), session, maxFrameBytes);
  }

  /** Closes an idle connection at once: answers it never read are dropped (what they acknowledged is stored). */
  void closeIdle() {
    ClosingNow.close(socket);
  }

  @Override
  public void onRequest(Request request) {
    lastActivityNanos = System.nanoTime();
    Slot slot = new Slot(request.form(), request);
    budget.requestIn(slot.requestBytes());
    answers.add(slot);
    notStarted.add(slot);
    if (slot.isAuth()) {
      authsUnanswered++;
    }
    updateReading();
    startWhatMay();
  }

  /**
   * Requests of one connection take effect in the order they arrived, as commands of one Redis connection do:
   * reads and creates run side by side, but a REMOVE waits for everything before it and holds back everything
   * after it, so that {@code AGGREGATE k, REMOVE k} pipelined always finds {@code k}.
   */
  private void startWhatMay() {
    while (!removeRunning && state.answers()) {
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
        Allowance allowance = alone && running > 0 ? null
          : budget.reserve(next.allowance, running == 0, peersFitted);
        if (allowance == null) {
          return;
        }
        next.allowance = allowance;
      }
      from.poll();
      start(next);
    }
  }

  private void start(Slot slot) {
    running++;
    removeRunning = slot.isRemove();
    Future<Reply> reply = handler.handle(slot.request, session,
      slot.allowance == null ? Allowance.NONE : slot.allowance);
    // what parsing its targets made the node hold (SPEC 1.6), counted until it is answered or put back
    slot.parsed = slot.allowance == null ? 0 : slot.allowance.parsedBytes();
    budget.requestIn(slot.parsed);
    reply.onComplete(ar -> {
      running--;
      budget.requestOut(slot.parsed);
      slot.parsed = 0;
      if (slot.isRemove()) {
        removeRunning = false;
      }
      if (slot.isAuth()) {
        authsUnanswered--; // the flush below reads on (updateReading)
      }
      if (slot.allowance != null) {
        budget.unreserve(slot.allowance);
        if (slot.allowance.peersFitted() != null) {
          peersFitted = slot.allowance.peersFitted();
        }
      }
      if (ar.succeeded() && ar.result() == null) {
        // its values were more than its allowance (none was kept: it runs again alone, once it may hold them), or it
        // could not ask peers yet
        deferred.add(slot);
        budget.count();
        startWhatMay();
        return;
      }
      budget.requestOut(slot.requestBytes());
      slot.answer(ar.succeeded() ? ar.result()
        : Reply.error(Status.INTERNAL, "the node failed to answer: " + ar.cause()));
      budget.answerIn(slot.replyBytes);
      if (slot.isAggregate()) {
        budget.aggregateAnswered(slot.replyBytes);
      }
      if (session.guessedTooOften() && state.takesRequests()) {
        LOG.fine(() -> "closing connection from " + session.remoteIp() + ": too many wrong tokens");
        readNoMore();
      } else if (slot.reply instanceof Reply.Goodbye && state.takesRequests()) {
        readNoMore(); // QUIT: what came before it is answered, then the connection closes
      }
      flushLater();
      startWhatMay();
    });
  }

  @Override
  public void onError(ProtocolException error) {
    Slot slot = new Slot(error.form(), null);
    slot.answer(Reply.error(error.status(), error.getMessage()));
    budget.answerIn(slot.replyBytes);
    answers.add(slot);
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
    state = Lifecycle.DRAINING;
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
    if (!state.answers()) {
      return;
    }
    AnswerQueue.Ready ready = answers.ready();
    Buffer out = AnswerWriter.encode(answers, ready);
    if (out != null) {
      // from here on the answers are counted as the bytes they encode to, until the socket has taken them
      int written = out.length();
      budget.answerIn(written - ready.bytes());
      lastWrite = socket.write(out);
      lastWrite.onComplete(ar -> {
        budget.answerOut(written);
        if (ar.succeeded()) {
          lastActivityNanos = System.nanoTime();
        }
        startWhatMay();
        budget.count();
        updateReading();
      });
    }
    budget.count();
    updateReading();
    if (answers.isEmpty() && (state == Lifecycle.DRAINING || (inputEnded && state == Lifecycle.READING))) {
      if (inputEnded) {
        state = Lifecycle.CLOSING;
        socket.end();
      } else {
        // the client may still be sending: a plain close could reset the connection under its unread answers
        state = Lifecycle.LINGERING;
        lastWrite.onComplete(ar -> LingeringClose.start(socket, context.owner(), LINGER_MS));
      }
    }
  }

  private void updateReading() {
    if (!state.takesRequests()) {
      return;
    }
    boolean pause = authsUnanswered > 0 || budget.mustPause(answers.size());
    // the parser stops handing out what it already holds; the socket stops reading more from the kernel
    if (pause && state == Lifecycle.READING) {
      state = Lifecycle.PAUSED;
      parser.pause();
      ReadGate.close(socket);
    } else if (!pause && state == Lifecycle.PAUSED) {
      state = Lifecycle.READING;
      ReadGate.open(socket);
      parser.resume();
      if (inputEnded && answers.isEmpty()) {
        flush();
      }
    }
  }
}
