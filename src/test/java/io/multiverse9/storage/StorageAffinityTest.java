package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.bus.LoopAffinity;
import io.multiverse9.support.SeveralLoops;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node deploys its storage verticles first, one per event loop by default, then its peer verticles, then its node
 * verticles. With a storage verticle on every loop, every verticle deployed after them finds one on its own
 * thread, however many there are and wherever Vert.x places them, so a node verticle's storage requests never
 * wake another thread; with fewer storage verticles than loops, some would.
 */
class StorageAffinityTest extends SeveralLoops {

  @Test
  void withAStorageVerticleOnEveryLoopEveryLaterVerticleFindsOneOnItsOwnThread() throws Exception {
    List<String> chosen = deployStorageThenProbes(LOOPS, LOOPS - 1);
    String shared = StorageVerticle.address(settings);
    assertEquals(LOOPS - 1, chosen.size());
    assertTrue(chosen.stream().noneMatch(shared::equals),
      "every probe should find the storage verticle of its own event loop: " + chosen);
  }

  @Test
  void withFewerStorageVerticlesThanLoopsSomeNodeVerticleWouldCrossThreads() throws Exception {
    List<String> chosen = deployStorageThenProbes(LOOPS - 1, LOOPS);
    assertTrue(chosen.contains(StorageVerticle.address(settings)),
      "one loop has no storage verticle, so a probe there falls back to the shared address: " + chosen);
  }

  /** Deploys storage verticles, one other verticle (the node's peer verticle), then probes that say where they send. */
  private List<String> deployStorageThenProbes(int storageVerticles, int probes) throws Exception {
    vertx.deployVerticle(() -> new StorageVerticle(settings, StorageMeters.NONE),
      new DeploymentOptions().setInstances(storageVerticles)).await(30, TimeUnit.SECONDS);
    vertx.deployVerticle(new VerticleBase() { }).await(30, TimeUnit.SECONDS);
    List<String> chosen = new CopyOnWriteArrayList<>();
    String shared = StorageVerticle.address(settings);
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        chosen.add(LoopAffinity.choose(vertx, shared));
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(probes)).await(30, TimeUnit.SECONDS);
    return chosen;
  }
}
