package io.multiverse9.cli;

import io.multiverse9.cluster.ClosedCluster;
import io.multiverse9.cluster.ClusterException;
import io.multiverse9.config.EnvOverrides;
import io.multiverse9.config.SettingsException;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.config.SettingsStore;
import io.multiverse9.config.Verticles;
import io.multiverse9.app.NodeApplication;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Runs a node in the foreground until SIGTERM or SIGINT, which drain in-flight requests and exit 0 (SPEC 5). */
@Command(name = "run",
  description = {"Run a node.", "Without -s it runs the installation's conf/node.json: an embedded-Redis node on "
    + "127.0.0.1:7001."})
final class RunCommand implements Callable<Integer> {

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit")
  boolean help;

  @Option(names = {"-s", "--settings"}, paramLabel = "FILE|DIR",
    description = {"Settings file, or a directory of *.json merged in name order, relative to the directory the "
      + "command runs in (default: conf/node.json of the installation).", "Watched: changes apply live."})
  Path settingsFile;

  @Option(names = "--threads", paramLabel = "N",
    description = "Node verticle instances serving the port (default: verticles.node, else the number of cores)")
  Integer threads;

  @Option(names = {"-d", "--debug"}, description = "Log at debug level (also MV9_LOG=debug)")
  boolean debug;

  @Option(names = "--cluster", description = {"Join the Hazelcast cluster of cluster.xml (members from "
    + "-Dmv9.cluster.members, this machine by default), so that storage and peer requests can be served by other "
    + "JVMs (see the roles setting).", "Closed: only JVMs with the cluster's certificate (-Dmv9.cluster.cert, "
    + "-Dmv9.cluster.key, -Dmv9.cluster.ca; on loopback, this user's own by default) join it."})
  boolean cluster;

  @Override
  public Integer call() throws InterruptedException {
    Logging.configure(debug);
    JsonObject settings;
    try {
      settings = readSettings();
    } catch (SettingsException e) {
      System.err.println("multiverse9: " + e.getMessage());
      return 2;
    }
    Vertx vertx;
    try {
      if (cluster) {
        ClosedCluster closed = ClosedCluster.join(System::getProperty);
        vertx = VertxDefaults.builder(closed.secureEventBus(VertxDefaults.apply(new VertxOptions())))
          .withClusterManager(closed.clusterManager()).buildClustered().await(120, TimeUnit.SECONDS);
      } else {
        vertx = VertxDefaults.builder(VertxDefaults.apply(new VertxOptions())).build();
      }
    } catch (ClusterException e) {
      System.err.println("multiverse9: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("multiverse9: cannot join the cluster: " + e.getMessage());
      return 1;
    }
    NodeApplication node = new NodeApplication();
    try {
      vertx.deployVerticle(node, new DeploymentOptions().setConfig(settings))
        .await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("multiverse9: cannot start the node: " + e.getMessage());
      closeQuietly(vertx);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // the node first, in its order (listeners drain while storage still serves them), then the rest of Vert.x
    SignalHandler stop = signal -> node.shutDown().eventually(vertx::close).onComplete(ar -> stopped.countDown());
    // SIGTERM handled here rather than by a shutdown hook, so that a drained node exits 0, not 143
    Signal.handle(new Signal("TERM"), stop);
    Signal.handle(new Signal("INT"), stop);
    stopped.await();
    return 0;
  }

  /**
   * Reads the settings and checks them as the node will, so that every problem with them is one line and exit
   * code 2 before anything starts; the node's own parse reports the warnings.
   */
  private JsonObject readSettings() {
    if (settingsFile == null) {
      settingsFile = defaultSettings();
    }
    if (!Files.exists(settingsFile)) {
      throw new SettingsException("settings file " + settingsFile + " does not exist; "
        + "make one with ./launcher.sh setup --redis-uri=embedded > " + settingsFile);
    }
    JsonObject json;
    try {
      json = SettingsStore.read(settingsFile);
    } catch (IOException e) {
      throw new SettingsException(e.getMessage());
    }
    json.put(NodeApplication.SETTINGS_PATH, settingsFile.toString());
    if (threads != null) {
      if (threads < 1 || threads > Verticles.MAX_INSTANCES) {
        throw new SettingsException("--threads must be between 1 and " + Verticles.MAX_INSTANCES);
      }
      // a verticles that is not an object is left for the parser to name
      if (json.getValue("verticles", new JsonObject()) instanceof JsonObject verticles) {
        json.put("verticles", verticles.copy().put("node", threads));
      }
    }
    new SettingsParser(warning -> { }).parse(EnvOverrides.apply(json, System.getenv()));
    return json;
  }

  /** conf/node.json of the installation (MV9_HOME, set by launcher.sh), else of the directory the command runs in. */
  private static Path defaultSettings() {
    String home = System.getenv("MV9_HOME");
    Path relative = Path.of("conf", "node.json");
    return home == null || home.isEmpty() ? relative : Path.of(home).resolve(relative);
  }

  /**
   * Closes Vert.x and waits for it, so that what the failed start had begun (a storage verticle's first PING to
   * Redis) ends before the process does, instead of being cut off and logged as an unhandled error.
   */
  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway: the start failure is what the user needs to read
    }
  }
}
