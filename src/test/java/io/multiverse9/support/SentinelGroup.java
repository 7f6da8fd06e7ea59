package io.multiverse9.support;

import io.multiverse9.storage.RedisServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A Redis master, its replicas and the sentinels that watch them, all redis-server processes on 127.0.0.1 (the
 * binary {@link RedisServerProcess} finds: the one on PATH, else the bundled one, in {@code --sentinel} mode for
 * the sentinels), sharing one password. Sentinel's timings are short (a master silent for 1 s is down), so that a
 * failover takes seconds. Blocking: call from a test thread.
 */
public final class SentinelGroup implements AutoCloseable {

  public static final String MASTER_NAME = "mymaster";
  private static final long SETTLE_MS = 30_000;

  private final Vertx vertx;
  private final String password = UUID.randomUUID().toString().replace("-", "");
  private final RedisServerProcess master;
  private final List<RedisServerProcess> replicas = new ArrayList<>();
  private final List<RedisServerProcess> sentinels = new ArrayList<>();

  private SentinelGroup(Vertx vertx, Path dir, int replicaCount, int sentinelCount) throws Exception {
    this.vertx = vertx;
    master = RedisServerProcess.start(dir.resolve("master"), false, 0, password, List.of("masterauth " + password));
    for (int i = 0; i < replicaCount; i++) {
      replicas.add(RedisServerProcess.start(dir.resolve("replica" + i), false, 0, password,
        List.of("replicaof 127.0.0.1 " + master.port(), "masterauth " + password)));
    }
    // the sentinels start once the replicas are attached: the master's first INFO then names them all, where a
    // replica attached later is found only at the next INFO, ten seconds on
    awaitInfo(master, "replication", "connected_slaves:" + replicaCount);
    for (int i = 0; i < sentinelCount; i++) {
      sentinels.add(RedisServerProcess.startSentinel(dir.resolve("sentinel" + i), password, List.of(
        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " " + (sentinelCount / 2 + 1),
        "sentinel auth-pass " + MASTER_NAME + " " + password,
        "sentinel sentinel-pass " + password,
        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
        "sentinel failover-timeout " + MASTER_NAME + " 5000",
        "sentinel parallel-syncs " + MASTER_NAME + " " + replicaCount)));
    }
    // a failover needs a majority of sentinels that know each other and the replicas
    for (RedisServerProcess sentinel : sentinels) {
      long deadline = System.currentTimeMillis() + SETTLE_MS;
      while (!knowsEveryone(sentinel, replicaCount, sentinelCount - 1)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("sentinel on port " + sentinel.port() + " did not find the group");
        }
        Thread.sleep(100); // polling Sentinel's view, bounded
      }
    }
  }

  /** Starts a master with {@code replicas} replicas and {@code sentinels} sentinels, and waits until they settled. */
  public static SentinelGroup start(Vertx vertx, Path dir, int replicas, int sentinels) throws Exception {
    return new SentinelGroup(vertx, dir, replicas, sentinels);
  }

  private boolean knowsEveryone(RedisServerProcess sentinel, int replicaCount, int otherSentinels) {
    Response master = send(sentinel, Request.cmd(Command.SENTINEL).arg("MASTER").arg(MASTER_NAME));
    return master.get("num-slaves").toInteger() == replicaCount
      && master.get("num-other-sentinels").toInteger() == otherSentinels;
  }

  private void awaitInfo(RedisServerProcess server, String section, String line) throws InterruptedException {
    long deadline = System.currentTimeMillis() + SETTLE_MS;
    while (!send(server, Request.cmd(Command.INFO).arg(section)).toString().contains(line)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("Redis on port " + server.port() + " never said " + line);
      }
      Thread.sleep(50); // polling Redis's state, bounded
    }
  }

  private Response send(RedisServerProcess server, Request request) {
    Redis client = Redis.createClient(vertx, server.uri());
    try {
      return client.send(request).await();
    } finally {
      client.close();
    }
  }

  /** The master as first started, before any failover. */
  public RedisServerProcess master() {
    return master;
  }

  /** The sentinels' URIs, password included: a node's {@code redis.endpoints}. */
  public List<String> sentinelUris() {
    return sentinels.stream().map(RedisServerProcess::uri).toList();
  }

  /** {@code redis} settings for a node on this group. */
  public JsonObject nodeRedisSettings() {
    return new JsonObject().put("type", "sentinel").put("master_name", MASTER_NAME)
      .put("endpoints", new JsonArray(new ArrayList<>(sentinelUris())));
  }

  /** host:port of the master as the first sentinel that answers names it now. */
  public String masterAddress() {
    for (RedisServerProcess sentinel : sentinels) {
      try {
        Response address = send(sentinel,
          Request.cmd(Command.SENTINEL).arg("GET-MASTER-ADDR-BY-NAME").arg(MASTER_NAME));
        return address.get(0) + ":" + address.get(1);
      } catch (RuntimeException notAnswering) {
        // the next one
      }
    }
    throw new IllegalStateException("no sentinel answers");
  }

  /** A client of the master the sentinels name now; the caller closes it. */
  public Redis currentMaster() {
    return Redis.createClient(vertx, "redis://:" + password + "@" + masterAddress());
  }

  @Override
  public void close() {
    sentinels.forEach(RedisServerProcess::close);
    replicas.forEach(RedisServerProcess::close);
    master.close();
  }
}
