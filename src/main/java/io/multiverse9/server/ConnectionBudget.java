package io.multiverse9.server;

import io.multiverse9.config.Limits;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.service.Allowance;
import java.util.function.LongSupplier;

/**
 * What one connection makes the node hold, in bytes (SPEC 1.6), and what it may still take: bytes read and not yet
 * made into requests, requests read and not yet answered (their payloads, the objects made from them, what their
 * AGGREGATEs may read), and answers not yet taken by the socket. It tells the node's {@link BufferedBytes} each
 * change, and gives all it told back when the connection closes. Confined to the connection's event loop.
 */
final class ConnectionBudget {

  /**
   * The least an AGGREGATE started beside others may read: most values are far smaller, so with the default
   * max_pending_bytes some 256 such requests of one connection run at once, as many as a pipeline of small values
   * needs to keep Redis busy; larger values raise it ({@link #expected}).
   */
  static final long MIN_ALLOWANCE = 16 * 1024;

  private final SettingsHolder settings;
  private final BufferedBytes node;
  /** What the decoder has consumed of what was read: the rest is held by the parser. */
  private final LongSupplier consumed;
  /** Bytes read from the socket, ever. */
  private long received;
  /** Requests read and not yet answered: payloads, and the objects made from them. */
  private long requestBytes;
  /** Answers not yet written to the socket: waiting for earlier ones, or written and not yet flushed. */
  private long answerBytes;
  /** The allowances of the AGGREGATEs running: what their values may come to. */
  private long reserved;
  /** About the largest AGGREGATE answer of late, fading by an eighth per answer: what the next one may need. */
  private long expected;
  /** What this connection has told the node it holds; given back when it closes. */
  private long counted;
  private boolean released;

  ConnectionBudget(SettingsHolder settings, BufferedBytes node, LongSupplier consumed) {
    this.settings = settings;
    this.node = node;
    this.consumed = consumed;
  }

  void received(int bytes) {
    received += bytes;
  }

  void requestIn(long bytes) {
    requestBytes += bytes;
  }

  void requestOut(long bytes) {
    requestBytes -= bytes;
  }

  void answerIn(long bytes) {
    answerBytes += bytes;
  }

  void answerOut(long bytes) {
    answerBytes -= bytes;
  }

  /** An AGGREGATE's answer of {@code bytes} came: the next ones may need about as much. */
  void aggregateAnswered(long bytes) {
    expected = Math.max(bytes, expected - (expected >> 3));
  }

  /** Whether reading must stop: too many requests in flight, too many answers unread, or the node over its limit. */
  boolean mustPause(int inFlight) {
    Limits limits = settings.get().limits();
    return inFlight >= limits.maxPipeline() || answerBytes >= limits.maxPendingBytes() || node.over();
  }

  /**
   * What an AGGREGATE may read, reserved now, or {@code null}: not now. About what the connection's AGGREGATEs
   * answered of late (twice the largest, fading by an eighth per answer, at least {@link #MIN_ALLOWANCE}), or what
   * it is known to need, within what the node may still hold and {@code max_answer_bytes}. Beside others of the
   * connection it must also fit in what the connection may still hold ({@code max_pending_bytes}); alone, it may go
   * past that (one answer as large as max_answer_bytes must get through), once the client has read its answers
   * down below it. It is taken from the node's count in one step, so that no other connection reserves the same
   * room.
   *
   * @param before the request's allowance of its run before, which says what it needs; {@code null} at first
   * @param peersFitted whether the connection's last answer from a peer fitted its share
   */
  Allowance reserve(Allowance before, boolean alone, boolean peersFitted) {
    Limits limits = settings.get().limits();
    if (released || (alone && answerBytes >= limits.maxPendingBytes())) {
      return null;
    }
    long room = Math.min(limits.maxAnswerBytes(), limits.maxBufferedBytes() - node.held() - (holds() - counted));
    if (!alone) {
      room = Math.min(room, limits.maxPendingBytes() - answerBytes - reserved);
    }
    long needed = before == null ? 0 : before.needed();
    // what it is known to need, and room for the parts whose size is not known (a peer that failed before)
    long wanted = needed > 0 ? needed + MIN_ALLOWANCE : Math.max(MIN_ALLOWANCE, 2 * expected);
    long bytes = Math.min(room, wanted);
    if (bytes <= 0 || bytes < needed || !node.tryTake(bytes)) {
      return null;
    }
    counted += bytes;
    reserved += bytes;
    return new Allowance(bytes, before, alone || peersFitted);
  }

  /** The request that held {@code allowance} is done with it. */
  void unreserve(Allowance allowance) {
    reserved -= allowance.bytes;
  }

  /** Tells the node what this connection holds now. */
  void count() {
    if (released) {
      return;
    }
    long holds = holds();
    if (holds != counted) {
      node.add(holds - counted);
      counted = holds;
    }
  }

  /** The connection closed: all it told the node is given back, and nothing more is counted. */
  void release() {
    released = true;
    node.add(-counted);
  }

  private long holds() {
    return (received - consumed.getAsLong()) + requestBytes + answerBytes + reserved;
  }
}
