package io.multiverse9.node;

import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.protocol.Address;
import io.multiverse9.storage.EmbeddedRedis;
import io.multiverse9.storage.StorageVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
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

  // The first instance resolves port 0; the others then share the port it bound.
  private Future<Void> startListening(Settings resolved) {
    settings = new SettingsHolder(resolved);
    ConnectionCounter connections = new ConnectionCounter();
    long startedAt = System.currentTimeMillis();
    NodeVerticle first = new NodeVerticle(settings, connections, startedAt, resolved.addr().port());
    return vertx.deployVerticle(first)
      .compose(id -> {
        int port = first.actualPort();
        settings.set(resolved.boundTo(new Address(resolved.addr().host(), port)));
        int more = resolved.verticles().node() - 1;
        if (more == 0) {
          return Future.succeededFuture();
        }
        return vertx.deployVerticle(() -> new NodeVerticle(settings, connections, startedAt, port),
          new DeploymentOptions().setInstances(more)).mapEmpty();
      });
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
