package io.multiverse9.node;

import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.config.Tls;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.ResponseEncoder;
import io.multiverse9.protocol.Form;
import io.multiverse9.protocol.Status;
import io.multiverse9.peer.PeerClient;
import io.multiverse9.peer.PeerVerticle;
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

/**
 * Serves the wire protocol on the node's address (SPEC 1). Several instances share one port, each on its own
 * event loop; they reach storage only over the event bus.
 */
public final class NodeVerticle extends VerticleBase {

  private final SettingsHolder settings;
  private final Address bindTo;
  private final ConnectionCounter connections;
  private final BufferedBytes nodeHolds;
  private final Runnable wakeOnDrain = () -> context.runOnContext(v -> wakeAll());
  private final long startedAtMs;
  private NetServer server;
  private RequestHandler handler;
  private final Set<Connection> open = new HashSet<>();
  private long idleSweep;

  /** {@code bindTo} is passed apart from the settings: they name the new address only once it is bound. */
  NodeVerticle(SettingsHolder settings, Address bindTo, ConnectionCounter connections, BufferedBytes nodeHolds,
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
    server = vertx.createNetServer(serverOptions(now)).connectHandler(this::onConnect);
    // idle connections are found here rather than by the server option, so that a new limits.idle_timeout_s
    // applies to open connections too
    idleSweep = vertx.setPeriodic(1000, id -> sweep());
    nodeHolds.whenDrained(wakeOnDrain);
    return server.listen(bindTo.port(), bindTo.host());
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

  private static NetServerOptions serverOptions(Settings settings) {
    NetServerOptions options = new NetServerOptions().setTcpNoDelay(true);
    Tls tls = settings.tls();
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath())
        .setKeyPath(tls.keyPath()));
      if (tls.caPath() != null) {
        // a client certificate signed by tls.ca is required, and acknowledges the connection (Session)
        options.setTrustOptions(new PemTrustOptions().addCertPath(tls.caPath())).setClientAuth(ClientAuth.REQUIRED);
      }
    }
    return options;
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

  private void onConnect(NetSocket socket) {
    Settings now = settings.get();
    if (!connections.tryAcquire(now.limits().maxConnections())) {
      socket.write(ResponseEncoder.encode(Reply.error(Status.BUSY, "this node has "
        + now.limits().maxConnections() + " connections open (limits.max_connections); try again later"),
        Form.BINARY));
      socket.end();
      return;
    }
    Connection connection = new Connection(socket, handler, settings, nodeHolds,
      socket.isSsl() && now.tls() != null && now.tls().caPath() != null);
    open.add(connection);
    connection.start(context, () -> {
      open.remove(connection);
      connections.release();
    });
  }
}
