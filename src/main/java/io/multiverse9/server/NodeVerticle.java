package io.multiverse9.server;

import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.config.Tls;
import io.multiverse9.net.ClosingNow;
import io.multiverse9.net.ServerTls;
import io.multiverse9.peer.PeerClient;
import io.multiverse9.peer.PeerVerticle;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.Form;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.ResponseEncoder;
import io.multiverse9.protocol.Status;
import io.multiverse9.service.RequestHandler;
import io.multiverse9.storage.StorageClient;
import io.multiverse9.storage.StorageVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Serves the wire protocol on the node's address (SPEC 1). Several instances share one port, each on its own
 * event loop; they reach storage only over the event bus.
 */
public final class NodeVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(NodeVerticle.class.getName());

  private final SettingsHolder settings;
  private final Address bindTo;
  private final ConnectionCounter connections;
  private final BufferedBytes nodeHolds;
  private final Runnable wakeOnDrain = () -> context.runOnContext(v -> wakeAll());
  private final long startedAtMs;
  private NetServer server;
  /** TLS for every accepted connection, or {@code null} without {@code tls}. */
  private ServerTls tls;
  private RequestHandler handler;
  private final Set<Connection> open = new HashSet<>();
  private long idleSweep;

  /** {@code bindTo} is passed apart from the settings: they name the new address only once it is bound. */
  public NodeVerticle(SettingsHolder settings, Address bindTo, ConnectionCounter connections, BufferedBytes nodeHolds,
      long startedAtMs) {
    this.settings = settings;
    this.bindTo = bindTo;
    this.connections = connections;
    this.nodeHolds = nodeHolds;
    this.startedAtMs = startedAtMs;
  }

  @Override
  public Future<?> start() {
    Settings now = settings.get();
    StorageClient storage = new StorageClient(vertx, StorageVerticle.address(now),
      now.limits().storageTimeoutMs());
    handler = new RequestHandler(settings, bindTo, storage, new PeerClient(vertx, PeerVerticle.address(now)),
      startedAtMs);
    server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true)).connectHandler(this::onConnect);
    // idle connections are found here rather than by the server option, so that a new limits.idle_timeout_s
    // applies to open connections too
    idleSweep = vertx.setPeriodic(1000, id -> sweep());
    nodeHolds.whenDrained(wakeOnDrain);
    Tls files = now.tls();
    Future<ServerTls> loaded = files == null ? Future.succeededFuture()
      : ServerTls.load(vertx, files.certPath(), files.keyPath(), files.caPath());
    return loaded.compose(ready -> {
      tls = ready;
      return server.listen(bindTo.port(), bindTo.host());
    });
  }

  /**
   * Stops accepting at once; each connection stops reading and closes once it has answered what it read
   * ({@code Connection}'s shutdown handler). Those still open after {@code shutdown_grace_s} are closed.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(idleSweep);
    nodeHolds.stopWaking(wakeOnDrain);
    return server.shutdown(settings.get().shutdownGraceS(), TimeUnit.SECONDS);
  }

  /**
   * Every second, in one pass: closes idle connections, and wakes those that stopped for the node-wide limit in
   * case a wake-up was missed, as when the limit itself changed.
   */
  private void sweep() {
    long idle = TimeUnit.SECONDS.toNanos(settings.get().limits().idleTimeoutS());
    long now = System.nanoTime();
    boolean drained = !nodeHolds.over();
    for (Connection connection : List.copyOf(open)) {
      if (connection.idleFor(idle, now)) {
        connection.closeIdle();
      } else if (drained) {
        connection.nodeDrained();
      }
    }
  }

  /** The node holds less than max_buffered_bytes again: connections that stopped for it read again. */
  private void wakeAll() {
    if (!nodeHolds.over()) {
      for (Connection connection : List.copyOf(open)) {
        connection.nodeDrained();
      }
    }
  }

  /**
   * A connection is counted from the moment it is accepted, before a TLS handshake, which holds a file descriptor
   * and memory too (SPEC 1.6): past {@code max_connections} it is closed at once, and one whose handshake has not
   * finished within {@code limits.tls_handshake_timeout_ms} is closed then.
   */
  private void onConnect(NetSocket socket) {
    Settings now = settings.get();
    if (!connections.tryAcquire(now.limits().maxConnections())) {
      refuse(socket, now);
      return;
    }
    if (tls == null) {
      serve(socket, false);
      return;
    }
    // a failed handshake is anyone's to cause: said once, at FINE, below, rather than by Vert.x as an unhandled
    // exception for each
    socket.exceptionHandler(e -> { });
    tls.handshake(socket, now.limits().tlsHandshakeTimeoutMs()).onComplete(ar -> {
      if (ar.succeeded()) {
        serve(socket, tls.verifiesClients());
      } else {
        connections.release();
        LOG.fine(() -> "TLS handshake with " + socket.remoteAddress() + " failed: " + ar.cause());
        ClosingNow.close(socket);
      }
    });
  }

  /**
   * Past {@code max_connections}: a plain connection is told BUSY; a TLS one is closed before its handshake,
   * which would cost what the limit is there to save.
   */
  private void refuse(NetSocket socket, Settings now) {
    if (tls != null) {
      ClosingNow.close(socket);
      return;
    }
    socket.write(ResponseEncoder.encode(Reply.error(Status.BUSY, "this node has "
      + now.limits().maxConnections() + " connections open (limits.max_connections); try again later"),
      Form.BINARY));
    socket.end();
  }

  /** A connection that holds a place: it gives it back when it closes. */
  private void serve(NetSocket socket, boolean verifiedCertificate) {
    Connection connection = new Connection(socket, handler, settings, nodeHolds, verifiedCertificate);
    open.add(connection);
    connection.start(context, () -> {
      open.remove(connection);
      connections.release();
    });
  }
}
