package io.multiverse9.peer;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.metrics.NodeMetrics;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.multiverse9.protocol.Status;
import io.multiverse9.wire.FrameChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The connections of one {@link PeerVerticle} to one peer: reused across requests, pipelined, at most
 * {@link #MAX_CONNECTIONS}, re-opened after a failure. A new connection sends AUTH first when the {@code nodes}
 * entry carries a token.
 */
final class PeerPool {

  static final int MAX_CONNECTIONS = 4;
  /** Requests in flight on one connection before another connection is opened. */
  static final int BUSY_LOAD = 32;
  static final int MAX_PENDING = 1024;
  static final long MAX_RESPONSE_BYTES = 256L * 1024 * 1024;

  private final Vertx vertx;
  private final NetClient client;
  private final PeerEntry peer;
  private final List<FrameChannel> connections = new ArrayList<>();
  private Future<FrameChannel> connecting;

  PeerPool(Vertx vertx, NetClient client, PeerEntry peer) {
    this.vertx = vertx;
    this.client = client;
    this.peer = peer;
    NodeMetrics.gauge("mv9_peer_connections", "Open pooled connections to a peer", connections::size,
      "peer", peer.toString());
  }

  /** One AGGREGATE of bare keys; one entry per key, or a {@link PeerException} for them all. */
  Future<List<PeerMessages.Entry>> aggregate(List<String> keys, long timeoutMs) {
    Buffer frame = RequestEncoder.frame(Opcode.AGGREGATE, Buffer.buffer(String.join("\0", keys), "ISO-8859-1"));
    return acquire(timeoutMs)
      .compose(connection -> connection.send(frame, timeoutMs)
        .map(response -> entries(connection, response, keys)))
      .recover(e -> Future.failedFuture(e instanceof PeerException ? e
        : new PeerException(EntryStatus.UNAVAILABLE, e.getMessage())))
      .andThen(ar -> NodeMetrics.peerRequest(peer.toString(),
        ar.succeeded() ? "ok" : ((PeerException) ar.cause()).status().name().toLowerCase(java.util.Locale.ROOT)));
  }

  void close() {
    for (FrameChannel connection : new ArrayList<>(connections)) {
      connection.close("the node is stopping");
    }
  }

  private List<PeerMessages.Entry> entries(FrameChannel connection, FrameChannel.Response response,
                                           List<String> keys) {
    Status status = Status.valueOf(response.status());
    String message = response.payload().toString(StandardCharsets.UTF_8);
    if (status == Status.OK) {
      try {
        return AnswerDecoder.decode(response.payload(), keys);
      } catch (IllegalArgumentException e) {
        connection.close(peer + ": " + e.getMessage());
        throw new PeerException(EntryStatus.UNAVAILABLE, peer + " sent a " + e.getMessage());
      }
    }
    if (status == Status.FORBIDDEN) {
      throw new PeerException(EntryStatus.FORBIDDEN, peer + " refused us: " + message);
    }
    throw new PeerException(EntryStatus.UNAVAILABLE, peer + " answered "
      + (status == null ? "status " + response.status() : status.name()) + ": " + message);
  }

  private Future<FrameChannel> acquire(long timeoutMs) {
    connections.removeIf(c -> !c.isOpen());
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
        "cannot reach " + peer + ": " + e.getMessage())))
      .compose(socket -> {
        // the entries of a peer that stops answering say "UNAVAILABLE: why" in the AGGREGATE answer's bytes
        FrameChannel connection = new FrameChannel(vertx, socket, peer.toString(), MAX_PENDING, MAX_RESPONSE_BYTES,
          why -> new PeerException(EntryStatus.UNAVAILABLE, Status.UNAVAILABLE.name() + ": " + why));
        return authenticate(connection, timeoutMs).map(v -> {
          connections.add(connection);
          connection.onClose(() -> connections.remove(connection));
          return connection;
        });
      });
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
