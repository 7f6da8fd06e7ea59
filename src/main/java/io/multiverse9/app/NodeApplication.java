package io.multiverse9.app;

import io.multiverse9.config.EnvOverrides;
import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.config.SettingsWatcher;
import io.multiverse9.metrics.MetricsVerticle;
import io.multiverse9.metrics.NodeMetrics;
import io.multiverse9.metrics.NodeStorageMeters;
import io.multiverse9.peer.PeerVerticle;
import io.multiverse9.protocol.Address;
import io.multiverse9.server.BufferedBytes;
import io.multiverse9.server.ConnectionCounter;
import io.multiverse9.server.NodeVerticle;
import io.multiverse9.storage.EmbeddedRedis;
import io.multiverse9.storage.StorageVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A whole node, deployed as one verticle: it reads the settings from its configuration, starts the embedded
 * Redis when asked to, then deploys the storage, peer and node verticles. This is the main verticle of the jar,
 * so {@code java -jar multiverse9.jar -conf settings.json} runs a node.
 *
 * <p>When the configuration names its file ({@code settings_path}), the node watches it and hands each new
 * version to {@link LiveReload}, which decides what the change needs; this class does the deploying. It also stops
 * the node in order ({@link #shutDown()}).
 */
public final class NodeApplication extends VerticleBase implements LiveReload.Node {

  /** The configuration key naming the settings file or directory to watch. */
  public static final String SETTINGS_PATH = "settings_path";

  private static final Logger LOG = Logger.getLogger(NodeApplication.class.getName());

  private SettingsHolder settings;
  /** The settings as configured at start, before port 0 and "embedded" were resolved. */
  private Settings configured;
  private EmbeddedRedis embedded;
  private SettingsWatcher watcher;
  private String storageDeployment;
  private String nodeDeployment;
  private String peerDeployment;
  private String metricsDeployment;
  private MetricsVerticle metrics;
  private Future<Void> shuttingDown;
  private final ConnectionCounter connections = new ConnectionCounter();
  private final BufferedBytes nodeHolds = new BufferedBytes(() -> settings.get().limits().maxBufferedBytes());
  private final long startedAt = System.currentTimeMillis();
  private LiveReload liveReload;

  /** The settings in force, with the port actually bound; {@code null} before start completes. */
  public Settings settings() {
    return settings == null ? null : settings.get();
  }

  /** Where metrics are served, port 0 resolved; {@code null} without {@code metrics.addr} or before start. */
  public Address metricsAddress() {
    return metrics == null ? null : metrics.boundAddress();
  }

  @Override
  public Future<?> start() {
    // one node per deployment: the Vert.x launcher's -instances N becomes N node verticles (cli.LauncherHooks)
    JsonObject config = config().copy();
    Object path = config.remove(SETTINGS_PATH);
    try {
      configured = new SettingsParser(LOG::warning).parse(EnvOverrides.apply(config, System.getenv()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // roles split a node over the JVMs of a cluster: each deploys only its part, the event bus joins them
    Future<Settings> storage = configured.hasRole("storage")
      ? resolveRedis(configured).compose(resolved -> deployStorage(resolved).map(id -> {
        storageDeployment = id;
        return resolved;
      }))
      : Future.succeededFuture(configured);
    return storage
      .compose(resolved -> {
        settings = new SettingsHolder(resolved);
        return !resolved.hasRole("peer") ? Future.succeededFuture(resolved)
          : vertx.deployVerticle(() -> new PeerVerticle(settings),
            new DeploymentOptions().setInstances(resolved.verticles().peer())).map(id -> {
              peerDeployment = id;
              return resolved;
            });
      })
      .compose(resolved -> !resolved.hasRole("node") ? Future.succeededFuture()
        : listen(resolved, resolved.addr().port() == 0 ? 3 : 1).<Void>map(listening -> {
          nodeDeployment = listening.id();
          // the settings in force name the address only once it accepts connections
          settings.set(resolved.boundTo(listening.bound()));
          return null;
        }))
      .compose(v -> startMetrics())
      .onSuccess(v -> {
        LOG.info(startLine());
        if (embedded != null && settings.get().hasRole("node")) {
          embedded.ownerListensOn(settings.get().addr().toString());
        }
        if (path instanceof String p) {
          watcher = SettingsWatcher.create(vertx, Path.of(p), configured.configScanMs(), System.getenv());
          LiveReload reload = new LiveReload(this, configured);
          liveReload = reload;
          watcher.listen(reload::offer);
        }
      })
      .recover(this::undoFailedStart);
  }

  /**
   * What a failed start deployed goes before the embedded Redis it talks to: stopped first, Redis closed the
   * storage verticles' connections under them, and vertx-redis-client logged a SEVERE "Connection was closed"
   * beside the one line that says why the node did not start.
   */
  private Future<Void> undoFailedStart(Throwable failure) {
    return stopBehindListeners().transform(ar -> Future.failedFuture(failure));
  }

  /** The peer, storage and metrics verticles, then the embedded Redis they talk to: the order both stops need. */
  private Future<Void> stopBehindListeners() {
    return Future.join(undeploy(peerDeployment), undeploy(storageDeployment), undeploy(metricsDeployment))
      .transform(ar -> embedded == null ? Future.succeededFuture() : embedded.stop());
  }

  @Override
  public Future<?> stop() {
    // After shutDown() this has nothing left to do. Otherwise Vert.x has undeployed our children (listeners,
    // peers, storage) all at once before calling this, and what is left is the embedded Redis.
    return shutDownInOrder();
  }

  /**
   * Stops the node in the order SPEC 5 asks for, then the node can be undeployed or Vert.x closed with nothing
   * left to do: first the listeners stop accepting and reading, and answer every request they have read within
   * {@code shutdown_grace_s}, while peers and storage still serve them; then the peer, storage and metrics
   * verticles go; then the embedded Redis. Vert.x itself would undeploy all of them at once, so that requests
   * still in the listeners find no storage. Any thread; idempotent.
   */
  public Future<Void> shutDown() {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> shutDownInOrder().onComplete(stopped));
    return stopped.future();
  }

  private Future<Void> shutDownInOrder() {
    if (shuttingDown != null) {
      return shuttingDown;
    }
    Settings last = settings == null ? configured : settings.get();
    String listeners = nodeDeployment;
    nodeDeployment = null; // /health says DOWN from now on, so that a load balancer sends no one new
    if (listeners != null && vertx.deploymentIDs().contains(listeners)) {
      LOG.info("stopping: no new connections or requests; answering those already read (shutdown_grace_s "
        + last.shutdownGraceS() + ")");
    }
    Future<Void> watching = watcher == null ? Future.succeededFuture() : watcher.close();
    long graceEnds = last == null ? 0 : System.nanoTime() + TimeUnit.SECONDS.toNanos(last.shutdownGraceS());
    shuttingDown = watching
      // a settings change under way may be deploying listeners or storage
      .transform(ar -> liveReload == null ? Future.succeededFuture() : liveReload.settled())
      .transform(ar -> undeploy(nodeDeployment != null ? nodeDeployment : listeners))
      .andThen(ar -> {
        if (listeners != null && System.nanoTime() - graceEnds >= 0) {
          LOG.warning("stopping: connections still open after shutdown_grace_s (" + last.shutdownGraceS()
            + " s) were closed, with any requests they had in flight");
        }
      })
      .transform(ar -> stopBehindListeners())
      .andThen(ar -> LOG.info("stopped"))
      .mapEmpty();
    return shuttingDown;
  }

  private Future<Void> undeploy(String deployment) {
    return deployment == null || !vertx.deploymentIDs().contains(deployment) ? Future.succeededFuture()
      : vertx.undeploy(deployment);
  }

  private Future<Void> startMetrics() {
    NodeMetrics.gauge("mv9_connections", "Open client connections", connections::open,
      "node", configured.name());
    NodeMetrics.gauge("mv9_buffered_bytes", "Bytes of requests and answers the connections hold (limits.max_buffered_bytes)",
      nodeHolds::held, "node", configured.name());
    if (configured.metricsAddr() == null) {
      return Future.succeededFuture();
    }
    metrics = new MetricsVerticle(settings, () -> nodeDeployment != null);
    return vertx.deployVerticle(metrics)
      .map(id -> {
        metricsDeployment = id;
        return null;
      });
  }

  // --- what a live change of the settings needs (LiveReload decides) ---

  @Override
  public Settings running() {
    return settings.get();
  }

  @Override
  public void putInForce(Settings next) {
    settings.set(next);
  }

  // The new storage verticles take requests as soon as they are deployed, beside the old ones, which finish what
  // they hold once the new ones take over.
  @Override
  public Future<LiveReload.Staged> stageStorage(Settings next) {
    boolean startsEmbedded = next.embeddedRedis() && embedded == null;
    return resolveRedis(next)
      .compose(resolved -> deployStorage(resolved).map(id -> (LiveReload.Staged) new Staged(resolved,
        () -> {
          String old = storageDeployment;
          storageDeployment = id;
          return undeploy(old).andThen(ar -> {
            if (!resolved.embeddedRedis() && embedded != null) {
              embedded.stop();
              embedded = null;
            }
          });
        },
        () -> undeploy(id).andThen(ar -> stopEmbeddedStartedFor(startsEmbedded)))))
      .recover(e -> {
        stopEmbeddedStartedFor(startsEmbedded);
        return Future.failedFuture(e);
      });
  }

  private void stopEmbeddedStartedFor(boolean startedForThisChange) {
    if (startedForThisChange && embedded != null) {
      embedded.stop();
      embedded = null;
    }
  }

  @Override
  public Future<LiveReload.Staged> stageListeners(Settings next) {
    return listen(next, next.addr().port() == 0 ? 3 : 1).map(deployed -> new Staged(next.boundTo(deployed.bound()),
      () -> {
        String old = nodeDeployment;
        nodeDeployment = deployed.id();
        return undeploy(old);
      },
      () -> undeploy(deployed.id())));
  }

  private record Staged(Settings settings, Supplier<Future<Void>> switchOver, Supplier<Future<Void>> giveUp)
    implements LiveReload.Staged {
    @Override
    public Future<Void> takeOver() {
      return switchOver.get();
    }

    @Override
    public Future<Void> discard() {
      return giveUp.get();
    }
  }

  // --- deployment ---

  private Future<Settings> resolveRedis(Settings requested) {
    if (!requested.embeddedRedis()) {
      return Future.succeededFuture(requested);
    }
    if (embedded != null) {
      return Future.succeededFuture(requested.withRedisUri(embedded.uri()));
    }
    return EmbeddedRedis.start(vertx, requested)
      .map(redis -> {
        embedded = redis;
        return requested.withRedisUri(redis.uri());
      });
  }

  private Future<String> deployStorage(Settings resolved) {
    // the disk under the embedded Redis's file is the node's to watch (a full one can lose acknowledged CREATEs)
    Path appendOnlyDir = embedded != null && resolved.redisUri().equals(embedded.uri())
      ? Path.of(resolved.dataDir()) : null;
    return vertx.deployVerticle(() -> new StorageVerticle(resolved, new NodeStorageMeters(), appendOnlyDir),
        new DeploymentOptions().setInstances(resolved.verticles().storage()));
  }

  // Instances listening on the same address share one server. Vert.x does not share a port-0 server, so port 0
  // is first resolved to a free port here; should another process take it in between, the bind fails and is
  // retried on another one.
  private Future<Listening> listen(Settings resolved, int attempts) {
    Address requested = resolved.addr();
    Address bound;
    try {
      bound = requested.port() != 0 ? requested : new Address(requested.host(), freePort(requested.host()));
    } catch (IOException e) {
      return Future.failedFuture(new IllegalStateException("cannot listen on " + requested + ": " + e.getMessage()));
    }
    return vertx.deployVerticle(() -> new NodeVerticle(settings, bound, connections, nodeHolds, startedAt),
        new DeploymentOptions().setInstances(resolved.verticles().node()))
      .map(id -> new Listening(id, bound))
      .recover(e -> attempts > 1 && e instanceof BindException
        ? listen(resolved, attempts - 1)
        : Future.failedFuture(e instanceof IOException ? new IllegalStateException(cannotListen(bound, e)) : e));
  }

  /** Node verticles deployed and accepting connections on {@code bound}. */
  private record Listening(String id, Address bound) {
  }

  /** One line naming addr and what to do, in place of the socket's "Address already in use" (SPEC 4). */
  private static String cannotListen(Address addr, Throwable e) {
    String reason = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    String prefix = "cannot listen on addr " + addr + ": ";
    if (reason.contains("address already in use")) {
      return prefix + "address already in use; another process holds it — stop it or change addr";
    }
    if (reason.contains("cannot assign requested address")) {
      return prefix + addr.host() + " is not an address of this machine; change addr";
    }
    if (reason.contains("permission denied")) {
      return prefix + "permission denied; ports below 1024 need privileges — use a port from 1024 up";
    }
    return prefix + e.getMessage();
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }

  private String startLine() {
    Settings s = settings.get();
    if (!s.hasRole("node")) {
      return "multiverse9 node " + s.name() + " running roles " + s.roles() + " (no listener), storage "
        + (embedded != null ? embedded.describe() : s.redisUriForDisplay());
    }
    String storage = embedded != null ? embedded.describe() + ", data in " + Path.of(s.dataDir()).toAbsolutePath()
      : s.redisUriForDisplay();
    return "multiverse9 node " + s.name() + " listening on " + s.addr() + ", storage " + storage
      + " (prefix \"" + s.keyPrefix() + "\"), verticles node=" + s.verticles().node()
      + " storage=" + s.verticles().storage() + " peer=" + s.verticles().peer()
      + (vertx.isNativeTransportEnabled() ? ", epoll transport" : ", NIO transport")
      + (s.metricsAddr() == null ? "" : ", metrics on http://" + metricsAddress() + "/metrics")
      + (s.roles().equals(Settings.ALL_ROLES) ? "" : ", roles " + s.roles());
  }
}
