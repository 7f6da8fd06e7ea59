package io.multiverse9.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.multiverse9.bus.LoopAffinity;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.support.SeveralLoops;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Peer verticles default to one per event loop, like storage verticles, so that a node verticle's AGGREGATE to a
 * peer is taken by the peer verticle on its own thread: the request and its answer cross no thread.
 */
class PeerAffinityTest extends SeveralLoops {

  @Test
  void withAPeerVerticleOnEveryLoopEachNodeVerticleAsksTheOneOnItsOwnThread() throws Exception {
    vertx.deployVerticle(() -> new PeerVerticle(new SettingsHolder(settings)),
      new DeploymentOptions().setInstances(LOOPS)).await(30, TimeUnit.SECONDS);
    String shared = PeerVerticle.address(settings);
    List<String> chosen = new CopyOnWriteArrayList<>();
    List<Throwable> answers = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        chosen.add(LoopAffinity.choose(vertx, shared));
        // a peer this node does not acknowledge: the peer verticle that takes it answers FORBIDDEN, which
        // shows that one listens where the request went (no listener would give UNAVAILABLE)
        return new PeerClient(vertx, shared).aggregate(new Address("127.0.0.9", 7999), KeyBytes.of("01ARZ3NDEKTSV4RRFFQ69G5FAV"), 2000)
          .transform(ar -> {
            answers.add(ar.cause());
            return Future.succeededFuture();
          });
      }
    }, new DeploymentOptions().setInstances(LOOPS)).await(30, TimeUnit.SECONDS);
    assertEquals(LOOPS, chosen.size());
    chosen.forEach(address -> assertNotEquals(shared, address, "every probe should find the peer verticle of its "
      + "own event loop: " + chosen));
    assertEquals(LOOPS, answers.size());
    for (Throwable answer : answers) {
      assertEquals(EntryStatus.FORBIDDEN, ((PeerException) answer).status(), String.valueOf(answer));
    }
  }
}
