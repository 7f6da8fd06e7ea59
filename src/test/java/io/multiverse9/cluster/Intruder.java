package io.multiverse9.cluster;

import io.multiverse9.cli.ClusterDefaults;
import io.multiverse9.app.NodeApplication;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A process of another user that knows all a cluster does not keep secret (its name, members, port, the victim
 * node's name) and none of its credential: it joins with plain vertx-hazelcast and cluster.xml, as the node did
 * before clusters were closed, and deploys a node of the victim's name with the roles its settings name. Prints
 * {@code intruder refused: ...} and exits 3 when it cannot join.
 */
public final class Intruder {

  private Intruder() {
  }

  public static void main(String[] args) throws Exception {
    ClusterDefaults.apply();
    JsonObject settings = new JsonObject(Files.readString(Path.of(args[0])));
    Vertx vertx;
    try {
      vertx = Vertx.builder().withClusterManager(new HazelcastClusterManager(ConfigUtil.loadConfig()))
        .buildClustered().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("intruder refused: " + e);
      System.exit(3);
      return;
    }
    try {
      vertx.deployVerticle(new NodeApplication(), new DeploymentOptions().setConfig(settings))
        .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("intruder refused: " + e);
      System.exit(3);
    }
    System.out.println("intruder joined");
  }
}
