package io.multiverse9.cli;

import io.multiverse9.cluster.ClosedCluster;
import io.multiverse9.app.NodeApplication;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplicationHooks;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How the Vert.x application launcher ({@code java -jar multiverse9.jar -conf ...}) runs a node, as {@code run}
 * does: with our Vert.x options under whatever {@code -options} the operator gave and Vert.x's meters on; one node
 * whatever {@code -instances N} says, with N node verticles on its port; the settings file given with
 * {@code -conf} watched for changes; and, when the JVM is stopped, the node's own shutdown order
 * ({@link NodeApplication#shutDown()}) before Vert.x closes, which would undeploy all of the node's verticles at
 * once.
 */
final class LauncherHooks implements VertxApplicationHooks {

  private static final Logger LOG = Logger.getLogger(LauncherHooks.class.getName());
  /** The launcher itself gives up on closing Vert.x after two minutes. */
  private static final long SHUTDOWN_WAIT_S = 120;

  private final List<NodeApplication> nodes = new CopyOnWriteArrayList<>();
  /** The -conf argument when it names a settings file or directory, else {@code null}: then nothing is watched. */
  private final String settingsPath;

  /** The closed cluster already joined when the launcher runs with -cluster, else {@code null}. */
  private final ClosedCluster cluster;

  LauncherHooks(String settingsPath, ClosedCluster cluster) {
    this.settingsPath = settingsPath;
    this.cluster = cluster;
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    return cluster == null ? VertxDefaults.builder(options)
      : VertxDefaults.builder(cluster.secureEventBus(options)).withClusterManager(cluster.clusterManager());
  }

  /**
   * One deployment of one node: -instances N becomes N node verticles (unless the settings name verticles.node),
   * and the settings file is named so that the node watches it.
   */
  @Override
  public void beforeDeployingVerticle(HookContext context) {
    DeploymentOptions deployment = context.deploymentOptions();
    JsonObject config = deployment.getConfig() == null ? new JsonObject() : deployment.getConfig();
    int instances = deployment.getInstances();
    if (instances > 1) {
      JsonObject verticles = config.getValue("verticles") instanceof JsonObject v ? v : new JsonObject();
      if (!verticles.containsKey("node")) {
        config.put("verticles", verticles.copy().put("node", instances));
      }
      deployment.setInstances(1);
    }
    if (settingsPath != null) {
      config.put(NodeApplication.SETTINGS_PATH, settingsPath);
    }
    deployment.setConfig(config);
  }

  @Override
  public JsonObject afterVertxOptionsParsed(JsonObject given) {
    JsonObject ours = VertxDefaults.apply(new VertxOptions()).toJson();
    JsonObject merged = given == null ? new JsonObject() : given.copy();
    for (String key : new String[] {"eventLoopPoolSize", "preferNativeTransport"}) {
      if (!merged.containsKey(key)) {
        merged.put(key, ours.getValue(key));
      }
    }
    return merged;
  }

  /** The -instances of the main verticle, kept so that they can be stopped in order. */
  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return () -> {
      NodeApplication node = new NodeApplication();
      nodes.add(node);
      return node;
    };
  }

  /**
   * Runs first when Vert.x closes, on the thread closing it: on SIGTERM, the launcher's JVM shutdown hook. The
   * launcher lets this hook only block, so it waits here until the node has stopped in order.
   */
  @Override
  public void beforeStoppingVertx(HookContext context) {
    Future<?> stopped = Future.join(nodes.stream().map(NodeApplication::shutDown).toList());
    if (Context.isOnVertxThread()) {
      return; // Vert.x closed from one of its own threads: waiting here could hold up the very loop the drain needs
    }
    try {
      stopped.await(SHUTDOWN_WAIT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "the node did not stop in order; Vert.x closes what is left", e);
    }
  }
}
