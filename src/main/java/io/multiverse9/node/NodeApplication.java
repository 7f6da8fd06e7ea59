package io.multiverse9.node;

import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.protocol.Address;
import io.multiverse9.peer.PeerVerticle;
import io.multiverse9.storage.EmbeddedRedis;
import io.multiverse9.storage.StorageVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.logging.Logger;

/**
 * A whole node, deployed as one verticle: it reads the settings from its configuration, starts the embedded
 * Redis when asked to, then deploys the storage verticles and the node verticles that share the listening port.
 * This is the main verticle of the jar, so {@code java -jar multiverse9.jar -conf settings.json} runs a node.
 */
public final class NodeApplication extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(NodeApplication.class.getName());

  private SettingsHolder settings;
  private EmbeddedRedis embedded;

  /** The settings in force, with the port actually bound; {@code null} before start completes. */
  public Settings settings() {
    return settings == null ? null : settings.get();
  }

  @Override
  public Future<?> start() {
    Settings initial;
    try {
      initial = new SettingsParser(LOG::warning).parse(config());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return startStorage(initial)
      .compose(resolved -> {
        settings = new SettingsHolder(resolved);
        return vertx.deployVerticle(() -> new PeerVerticle(settings),
          new DeploymentOptions().setInstances(resolved.verticles().peer())).map(id -> resolved);
      })
      .compose(this::startListening)
      .onSuccess(v -> LOG.info(startLine()))
      .andThen(ar -> {
        if (ar.failed() && embedded != null) {
          embedded.stop();
        }
      });
  }

  @Override
  public Future<?> stop() {
    // Vert.x undeploys our children (listeners, then storage) before calling this
    return embedded == null ? Future.succeededFuture() : embedded.stop();
  }

  private Future<Settings> startStorage(Settings initial) {
    Future<Settings> resolved = Future.succeededFuture(initial);
    if (initial.embeddedRedis()) {
      resolved = EmbeddedRedis.start(vertx, Path.of(initial.dataDir()))
        .map(redis -> {
          embedded = redis;
          return initial.withRedisUri(redis.uri());
        });
    }
    return resolved.compose(s -> vertx.deployVerticle(() -> new StorageVerticle(s),
        new DeploymentOptions().setInstances(s.verticles().storage()))
      .map(id -> s));
  }

  // Instances listening on the same address share one server. Vert.x does not share a port-0 server, so port 0
  // is first resolved to a free port here; should another process take it in between, the bind fails and is
  // retried on another one.
  private Future<Void> startListening(Settings resolved) {
    return startListening(resolved, resolved.addr().port() == 0 ? 3 : 1);
  }

  private Future<Void> startListening(Settings resolved, int attempts) {
    Address requested = resolved.addr();
    Address listen;
    try {
      listen = requested.port() != 0 ? requested : new Address(requested.host(), freePort(requested.host()));
    } catch (IOException e) {
      return Future.failedFuture(new IllegalStateException("cannot listen on " + requested + ": " + e.getMessage()));
    }
    settings.set(resolved.boundTo(listen));
    ConnectionCounter connections = new ConnectionCounter();
    long startedAt = System.currentTimeMillis();
    return vertx.deployVerticle(() -> new NodeVerticle(settings, connections, startedAt),
        new DeploymentOptions().setInstances(resolved.verticles().node()))
      .<Void>mapEmpty()
      .recover(e -> attempts > 1 && e instanceof java.net.BindException
        ? startListening(resolved, attempts - 1)
        : Future.failedFuture(e));
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }

  private String startLine() {
    Settings s = settings.get();
    String storage = embedded != null ? embedded.describe() + ", data in " + Path.of(s.dataDir()).toAbsolutePath()
      : s.redisUriForDisplay();
    return "multiverse9 node " + s.name() + " listening on " + s.addr() + ", storage " + storage
      + " (prefix \"" + s.keyPrefix() + "\"), verticles node=" + s.verticles().node()
      + " storage=" + s.verticles().storage() + " peer=" + s.verticles().peer();
  }
}
