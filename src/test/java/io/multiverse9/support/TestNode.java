package io.multiverse9.support;

import io.multiverse9.config.Settings;
import io.multiverse9.app.NodeApplication;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** A node running in the test's Vert.x instance, listening on a free port of 127.0.0.1. */
public final class TestNode implements AutoCloseable {

  private final Vertx vertx;
  private final String deploymentId;
  private final NodeApplication node;

  private TestNode(Vertx vertx, String deploymentId, NodeApplication node) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.node = node;
  }

  /** Settings for a node on a free port, on the shared test Redis, with a prefix of its own. */
  public static JsonObject settings(String redisUri) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    return new JsonObject()
      .put("name", "multiverse9_test_" + id)
      .put("redis_uri", redisUri)
      .put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", false))
      .put("addr", "127.0.0.1:0")
      .put("nodes", new JsonArray())
      .put("key_prefix", "test:" + id + ":")
      .put("verticles", new JsonObject().put("node", 2).put("storage", 2));
  }

  /** Deploys a node and waits until it listens. */
  public static TestNode start(Vertx vertx, JsonObject settings) {
    NodeApplication node = new NodeApplication();
    String id = vertx.deployVerticle(node, new DeploymentOptions().setConfig(settings)).await();
    return new TestNode(vertx, id, node);
  }

  /** Deploys a node on the settings in {@code file}, which it watches for changes (SPEC 4.1). */
  public static TestNode watching(Vertx vertx, java.nio.file.Path file) throws java.io.IOException {
    JsonObject config = io.multiverse9.config.SettingsStore.read(file)
      .put(NodeApplication.SETTINGS_PATH, file.toString());
    return start(vertx, config);
  }

  public Settings settings() {
    return node.settings();
  }

  public int port() {
    return settings().addr().port();
  }

  /** The port metrics are served on (a {@code metrics.addr} of port 0 resolved). */
  public int metricsPort() {
    return node.metricsAddress().port();
  }

  public WireClient connect() throws java.io.IOException {
    return new WireClient("127.0.0.1", port());
  }

  @Override
  public void close() {
    vertx.undeploy(deploymentId).await();
  }
}
