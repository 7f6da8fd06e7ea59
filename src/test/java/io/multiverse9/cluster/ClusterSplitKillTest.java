package io.multiverse9.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.Untimed;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legitimate split of a node over a closed cluster (two fronts [node, peer], one storage JVM), all with the
 * user's private certificate: it serves through both fronts over the TLS event bus, and when the storage JVM is
 * SIGKILLed under pipelined load and started again, every CREATE acknowledged OK, before, during or after, is in
 * Redis.
 */
@ExtendWith(VertxExtension.class)
@Untimed
class ClusterSplitKillTest {

  @TempDir
  Path dir;

  @Test
  void theSplitServesAndLosesNothingAcknowledgedWhenStorageIsKilled(Vertx vertx) throws Exception {
    List<String> properties = List.of("-Dmv9.cluster.name=mv9-split-" + UUID.randomUUID().toString().substring(0, 8),
      "-Dmv9.cluster.port=" + NodeProcess.freePort("127.0.0.1"), "-Dmv9.cluster.members=127.0.0.1",
      "-Dmv9.cluster.dir=" + dir.resolve("credential"));
    JsonObject settings = TestNode.settings(TestRedis.get().uri());
    JsonObject storageRole = settings.copy().put("roles", new JsonArray().add("storage"));
    JsonObject frontRoles = settings.copy().put("roles", new JsonArray().add("node").add("peer"));
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger afterRestart = new AtomicInteger();
    AtomicBoolean restarted = new AtomicBoolean();
    ClusterJvm storage = ClusterJvm.node(dir.resolve("storage"), storageRole, properties);
    Redis redis = Redis.createClient(vertx, TestRedis.get().uri());
    try (ClusterJvm front1 = ClusterJvm.node(dir.resolve("front1"), frontRoles, properties);
         ClusterJvm front2 = ClusterJvm.node(dir.resolve("front2"), frontRoles, properties)) {
      storage.awaitRunning(120_000);
      List<Loader> loaders = List.of(new Loader(front1.awaitListening(120_000), acknowledged, afterRestart, restarted),
        new Loader(front2.awaitListening(120_000), acknowledged, afterRestart, restarted));
      loaders.forEach(Thread::start);
      Poll.until("2,000 CREATEs are acknowledged before the kill", Duration.ofMinutes(2), acknowledged::size,
        count -> count >= 2_000);
      storage.kill();
      int atKill = acknowledged.size();
      storage = ClusterJvm.node(dir.resolve("storage"), storageRole, properties);
      storage.awaitRunning(120_000);
      restarted.set(true);
      Poll.until("1,000 CREATEs are acknowledged after the restart (killed at " + atKill + ")", Duration.ofMinutes(2),
        afterRestart::get, count -> count >= 1_000);
      loaders.forEach(Loader::finish);
      for (Loader loader : loaders) {
        loader.join(30_000);
        assertEquals(null, loader.failure, "a loader failed");
      }
      List<String> keys = List.copyOf(acknowledged);
      for (String key : keys) {
        assertEquals(1, redis.send(Request.cmd(Command.EXISTS).arg(settings.getString("key_prefix") + key)).await()
          .toInteger(), "acknowledged key " + key + " is not in Redis");
      }
      // the private certificate: owner-only, made once, shared by the three JVMs, its key in no log
      Path credential = dir.resolve("credential");
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credential)));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        credential.resolve("cluster.key"))));
      String keyLine = Files.readAllLines(credential.resolve("cluster.key")).get(2);
      for (ClusterJvm jvm : List.of(front1, front2, storage)) {
        assertFalse(jvm.printed(keyLine), "the cluster key is in a log");
      }
      System.out.println("[ClusterSplitKillTest] acknowledged " + keys.size() + ", " + atKill + " before the kill, "
        + afterRestart.get() + " after the restart, every one in Redis");
    } finally {
      storage.close();
      redis.close();
    }
  }

  /** Pipelines CREATEs in bursts of 50 through one front, keeping the keys answered OK. */
  static final class Loader extends Thread {

    private final int port;
    private final List<String> acknowledged;
    private final AtomicInteger afterRestart;
    private final AtomicBoolean restarted;
    private volatile boolean finished;
    volatile Throwable failure;

    Loader(int port, List<String> acknowledged, AtomicInteger afterRestart, AtomicBoolean restarted) {
      this.port = port;
      this.acknowledged = acknowledged;
      this.afterRestart = afterRestart;
      this.restarted = restarted;
      setDaemon(true);
    }

    void finish() {
      finished = true;
    }

    @Override
    public void run() {
      try (WireClient client = new WireClient("127.0.0.1", port)) {
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
          burst.write(WireClient.frame(1, "split value " + i));
        }
        byte[] frames = burst.toByteArray();
        while (!finished) {
          boolean afterTheRestart = restarted.get();
          client.write(frames);
          for (int i = 0; i < 50; i++) {
            WireClient.Frame created = client.readFrame();
            if (created.status() == 0) {
              acknowledged.add(created.text());
              if (afterTheRestart) {
                afterRestart.incrementAndGet();
              }
            } else {
              assertEquals(5, created.status(), "only UNAVAILABLE while storage is away: " + created.text());
            }
          }
        }
      } catch (Throwable e) {
        failure = e;
      }
    }
  }
}
