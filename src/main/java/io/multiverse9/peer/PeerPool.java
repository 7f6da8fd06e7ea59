package io.multiverse9.peer;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.metrics.NodeMetrics;
import io.multiverse9.net.WrappedBytes;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.FrameHeader;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Keys;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.multiverse9.protocol.Status;
import io.multiverse9.wire.AnswerReader;
import io.multiverse9.wire.AnswerRefusedException;
import io.multiverse9.wire.FrameChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections of one {@link PeerVerticle} to one peer: reused across requests, pipelined, at most
 * {@link #MAX_CONNECTIONS}, re-opened after a failure. A new connection sends AUTH first when the {@code nodes}
 * entry carries a token. A pool serves one {@code nodes} entry: when the settings in force drop the peer or change
 * its token, the pool is {@link #retire() retired} and a new one made.
 */
final class PeerPool {

  static final int MAX_CONNECTIONS = 4;
  /** Requests in flight on one connection before another connection is opened. */
  static final int BUSY_LOAD = 32;
  static final int MAX_PENDING = 1024;
  /** An answer to AUTH is empty or a message; AGGREGATE answers are bounded by {@code limits.max_answer_bytes}. */
  static final long MAX_AUTH_ANSWER_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final NetClient client;
  private final PeerEntry peer;
  private final List<FrameChannel> connections = new ArrayList<>();
  private final AtomicInteger open;
  private Future<FrameChannel> connecting;
  private boolean retired;

  /** What may wait to be sent to the peer on one connection ({@code limits.max_pending_bytes}). */
  private final LongSupplier maxUnsentBytes;

  PeerPool(Vertx vertx, NetClient client, PeerEntry peer, LongSupplier maxUnsentBytes) {
    this.maxUnsentBytes = maxUnsentBytes;
    this.vertx = vertx;
    this.client = client;
    this.peer = peer;
    this.open = PeerConnectionCount.of(peer.toString());
  }

  /** The {@code nodes} entry this pool connects with. */
  PeerEntry peer() {
    return peer;
  }

  /**
   * The AGGREGATE frame asking for {@code keys}: the header, then {@code KEY\0KEY...}, the keys copied from where
   * the client's request holds them into one array of the frame's exact size, handed to the socket as it is.
   */
  static Buffer frame(KeyBytes keys) {
    int length = keys.size() * (Keys.LENGTH + 1) - 1;
    byte[] frame = new byte[FrameHeader.BYTES + length];
    int at = FrameHeader.write(frame, 0, Opcode.AGGREGATE.code(), length);
    for (int k = 0; k < keys.size(); k++) {
      if (k > 0) {
        frame[at++] = 0;
      }
      keys.copy(k, frame, at);
      at += Keys.LENGTH;
    }
    return WrappedBytes.of(frame);
  }

  /**
   * One AGGREGATE of bare keys; one entry per key, or a {@link PeerException} for them all. An answer announced
   * over {@code maxAnswerBytes} is not read (SPEC 1.6): its connection is closed, failing what is on it, and the
   * next request opens another.
   */
  Future<List<AggregateEntry>> aggregate(KeyBytes keys, long timeoutMs, int maxAnswerBytes, long maxBytes) {
    Buffer frame = frame(keys);
    return acquire(timeoutMs)
      .compose(connection -> connection.send(frame, timeoutMs, (status, length) ->
          reader(keys, status, length, maxAnswerBytes, maxBytes))
        .andThen(ar -> closeIfRetiredAndIdle(connection)))
      .recover(e -> Future.failedFuture(e instanceof PeerException || e instanceof OverAllowanceException ? e
        : new PeerException(EntryStatus.UNAVAILABLE, e.getMessage())))
      .andThen(ar -> NodeMetrics.peerRequest(peer.toString(), ar.succeeded() ? "ok"
        : ar.cause() instanceof PeerException pe ? pe.status().name().toLowerCase(Locale.ROOT) : "deferred"));
  }

  /** Closes every connection now, failing what is in flight on them. */
  void close(String why) {
    for (FrameChannel connection : new ArrayList<>(connections)) {
      connection.close(why);
    }
  }

  /**
   * Takes no more requests (the caller drops the pool); each connection closes once the requests already on it
   * are answered, since they were sent under the settings in force when they started.
   */
  void retire() {
    retired = true;
    for (FrameChannel connection : new ArrayList<>(connections)) {
      closeIfRetiredAndIdle(connection);
    }
    if (connecting != null) {
      // a connection still opening: whoever waits for it sends first, then it closes like the others
      connecting.onSuccess(connection -> vertx.runOnContext(v -> closeIfRetiredAndIdle(connection)));
    }
  }

  private void closeIfRetiredAndIdle(FrameChannel connection) {
    if (retired && connection.load() == 0) {
      connection.close(peer + " left nodes or its token changed");
    }
  }

  /** How an answer is read, from its header: entries decoded as they arrive, or an error's message. */
  private AnswerReader<List<AggregateEntry>> reader(KeyBytes keys, int status, long length, int maxAnswerBytes,
      long maxBytes) {
    if (length > maxAnswerBytes) {
      throw new AnswerRefusedException("announced an answer of " + length + " bytes, more than the limit of "
        + maxAnswerBytes + " (limits.max_answer_bytes): not read, the connection is closed");
    }
    if (status == Status.OK.code() && maxBytes >= 0 && length > maxBytes) {
      // a lawful answer the request may not hold now: read past, so the answers behind it on this connection go on
      return new SkippedAnswer(length);
    }
    if (status == Status.OK.code()) {
      return new AnswerDecoder(keys, length);
    }
    return new ErrorAnswer(peer.toString(), status, length);
  }

  private Future<FrameChannel> acquire(long timeoutMs) {
    for (FrameChannel c : new ArrayList<>(connections)) {
      if (!c.isOpen()) {
        forget(c);
      }
    }
    FrameChannel least = null;
    for (FrameChannel c : connections) {
      if (least == null || c.load() < least.load()) {
        least = c;
      }
    }
    boolean wantMore = least == null || (least.load() >= BUSY_LOAD && connections.size() < MAX_CONNECTIONS);
    if (wantMore && connecting == null) {
      connecting = open(timeoutMs).andThen(ar -> connecting = null);
    }
    if (least != null) {
      return Future.succeededFuture(least);
    }
    return connecting;
  }

  private Future<FrameChannel> open(long timeoutMs) {
    return client.connect(peer.addr().port(), peer.addr().host())
      .recover(e -> Future.failedFuture(new PeerException(EntryStatus.UNAVAILABLE,
        "cannot reach " + peer + ": " + why(e))))
      .compose(socket -> {
        // the entries of a peer that stops answering say "UNAVAILABLE: why" in the AGGREGATE answer's bytes
        FrameChannel connection = new FrameChannel(vertx, socket, peer.toString(), MAX_PENDING, MAX_AUTH_ANSWER_BYTES,
          why -> new PeerException(EntryStatus.UNAVAILABLE, Status.UNAVAILABLE.name() + ": " + why))
          .boundUnsent(maxUnsentBytes);
        return authenticate(connection, timeoutMs).map(v -> {
          connections.add(connection);
          open.incrementAndGet();
          connection.onClose(() -> forget(connection));
          return connection;
        });
      });
  }

  /**
   * Why a connection could not be opened. A certificate refused in the handshake is said as such, with the JDK's
   * reason ("No subject alternative names matching IP address 10.0.0.3 found"), which Vert.x's own message
   * ("Failed to create SSL connection") leaves out.
   */
  static String why(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof CertificateException refused) {
        return "its TLS certificate is not accepted: " + refused.getMessage()
          + " (docs/OPERATIONS.md, TLS between peers)";
      }
    }
    return e.getMessage();
  }

  private void forget(FrameChannel connection) {
    if (connections.remove(connection)) {
      open.decrementAndGet();
    }
  }

  private Future<Void> authenticate(FrameChannel connection, long timeoutMs) {
    if (peer.token() == null) {
      return Future.succeededFuture();
    }
    return connection.send(RequestEncoder.frame(Opcode.AUTH, Buffer.buffer(peer.token(), "UTF-8")), timeoutMs)
      .compose(response -> {
        if (response.status() == Status.OK.code()) {
          return Future.succeededFuture();
        }
        connection.close("AUTH refused");
        return Future.failedFuture(new PeerException(EntryStatus.FORBIDDEN,
          peer + " refused our token (nodes[].token)"));
      });
  }
}
