package io.multiverse9.support;

import io.multiverse9.storage.RedisServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Redis Cluster built from redis-server processes on 127.0.0.1 (the binary {@link RedisServerProcess} finds: the one
 * on PATH, else the bundled one), sharing one password: masters that split the 16,384 slots evenly, each with its
 * replicas, every one in sync before {@link #start} returns. {@code cluster-node-timeout} is the test's to choose: a
 * short one makes a failover take seconds. Blocking: call from a test thread.
 */
public final class RedisClusterGroup implements AutoCloseable {

  private static final int SLOTS = 16_384;
  private static final long SETTLE_MS = 30_000;

  private final Vertx vertx;
  private final String password = UUID.randomUUID().toString().replace("-", "");
  private final List<RedisServerProcess> masters = new ArrayList<>();
  /** The replicas of master i at index i. */
  private final List<List<RedisServerProcess>> replicas = new ArrayList<>();
  private final List<String> masterIds = new ArrayList<>();

  private RedisClusterGroup(Vertx vertx, Path dir, int masterCount, int replicasEach, int nodeTimeoutMs,
      List<String> extraConfig) throws Exception {
    this.vertx = vertx;
    List<String> config = new ArrayList<>(List.of("cluster-enabled yes", "cluster-config-file nodes.conf",
      "cluster-node-timeout " + nodeTimeoutMs, "masterauth " + password));
    config.addAll(extraConfig);
    for (int m = 0; m < masterCount; m++) {
      masters.add(RedisServerProcess.start(dir.resolve("m" + m), false, clusterPort(), password, config));
      List<RedisServerProcess> own = new ArrayList<>();
      for (int r = 0; r < replicasEach; r++) {
        own.add(RedisServerProcess.start(dir.resolve("m" + m + "r" + r), false, clusterPort(), password, config));
      }
      replicas.add(own);
    }
    for (int m = 0; m < masterCount; m++) {
      Request addSlots = Request.cmd(Command.CLUSTER).arg("ADDSLOTS");
      for (int slot = m * SLOTS / masterCount; slot < (m + 1) * SLOTS / masterCount; slot++) {
        addSlots.arg(slot);
      }
      send(masters.get(m), addSlots);
      masterIds.add(send(masters.get(m), Request.cmd(Command.CLUSTER).arg("MYID")).toString());
    }
    // everyone meets the first master, and gossip does the rest
    for (RedisServerProcess server : all()) {
      if (server != masters.get(0)) {
        send(server, Request.cmd(Command.CLUSTER).arg("MEET").arg("127.0.0.1").arg(masters.get(0).port()));
      }
    }
    // a replica can only follow a master it knows
    int known = all().size();
    for (RedisServerProcess server : all()) {
      await(server, Request.cmd(Command.CLUSTER).arg("INFO"), info -> info.contains("cluster_known_nodes:" + known),
        "knows all " + known + " nodes");
    }
    for (int m = 0; m < masterCount; m++) {
      for (RedisServerProcess replica : replicas.get(m)) {
        send(replica, Request.cmd(Command.CLUSTER).arg("REPLICATE").arg(masterIds.get(m)));
      }
    }
    for (List<RedisServerProcess> own : replicas) {
      for (RedisServerProcess replica : own) {
        await(replica, Request.cmd(Command.INFO).arg("replication"),
          info -> info.contains("master_link_status:up"), "is in sync with its master");
      }
    }
    // every node, not only the first, must see the whole cluster with its roles: until gossip reaches a master, it
    // may answer a command for a slot it does not know with CLUSTERDOWN, and it would not vote for a replica it
    // does not know as one when that replica asks to take over
    int replicaCount = masterCount * replicasEach;
    for (RedisServerProcess server : all()) {
      await(server, Request.cmd(Command.CLUSTER).arg("INFO"), info -> info.contains("cluster_state:ok"),
        "sees the cluster state ok");
      await(server, Request.cmd(Command.CLUSTER).arg("NODES"),
        nodes -> withFlag(nodes, "slave") == replicaCount && withFlag(nodes, "master") == masterCount,
        "sees " + masterCount + " masters and " + replicaCount + " replicas");
    }
  }

  /** Starts the cluster and waits until every node sees it whole and every replica is in sync. */
  public static RedisClusterGroup start(Vertx vertx, Path dir, int masters, int replicasEach, int nodeTimeoutMs)
    throws Exception {
    return start(vertx, dir, masters, replicasEach, nodeTimeoutMs, List.of());
  }

  /** @param extraConfig lines added to every server's configuration, such as {@code cluster-require-full-coverage no} */
  public static RedisClusterGroup start(Vertx vertx, Path dir, int masters, int replicasEach, int nodeTimeoutMs,
      List<String> extraConfig) throws Exception {
    return new RedisClusterGroup(vertx, dir, masters, replicasEach, nodeTimeoutMs, extraConfig);
  }

  /** A port whose cluster bus port (+10000) is free too. */
  static int clusterPort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20000 + (int) (Math.random() * 30000);
      try (ServerSocket a = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
           ServerSocket b = new ServerSocket(port + 10000, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free pair of ports");
  }

  /** How many lines of CLUSTER NODES have {@code flag} among their flags ({@code myself,master}, {@code slave}). */
  private static int withFlag(String nodes, String flag) {
    int n = 0;
    for (String line : nodes.split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length > 2 && List.of(fields[2].split(",")).contains(flag)) {
        n++;
      }
    }
    return n;
  }

  private void await(RedisServerProcess server, Request request, Predicate<String> done, String what)
    throws InterruptedException {
    long deadline = System.currentTimeMillis() + SETTLE_MS;
    while (!done.test(send(server, request).toString())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("Redis on port " + server.port() + " never " + what + ": "
          + send(server, request));
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

  /** The masters as first started, before any failover; master i holds the i-th part of the slots. */
  public List<RedisServerProcess> masters() {
    return masters;
  }

  /** The replicas that first followed master {@code i}. */
  public List<RedisServerProcess> replicasOf(int i) {
    return replicas.get(i);
  }

  /** Masters and replicas. */
  public List<RedisServerProcess> all() {
    List<RedisServerProcess> all = new ArrayList<>(masters);
    replicas.forEach(all::addAll);
    return all;
  }

  /** The URIs of every node, password included: a node's {@code redis.endpoints}. */
  public List<String> uris() {
    return all().stream().map(RedisServerProcess::uri).toList();
  }

  /** {@code redis} settings for a node on this cluster. */
  public JsonObject nodeRedisSettings() {
    return new JsonObject().put("type", "cluster").put("endpoints", new JsonArray(new ArrayList<>(uris())));
  }

  /** SIGKILL: the server ends at once, with whatever it had not yet sent to its replicas. */
  public void kill(RedisServerProcess server) throws Exception {
    ProcessHandle.of(server.pid()).ifPresent(ProcessHandle::destroyForcibly);
    server.exited().get(10, TimeUnit.SECONDS);
  }

  /** Whether {@code asked} says that {@code server} is a master holding slots, and that the cluster is ok. */
  public boolean seesAsServingMaster(RedisServerProcess asked, RedisServerProcess server) {
    String info = send(asked, Request.cmd(Command.CLUSTER).arg("INFO")).toString();
    if (!info.contains("cluster_state:ok")) {
      return false;
    }
    for (String line : send(asked, Request.cmd(Command.CLUSTER).arg("NODES")).toString().split("\n")) {
      String[] fields = line.trim().split(" ");
      // <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot ranges...>
      if (fields.length > 8 && fields[1].startsWith("127.0.0.1:" + server.port() + "@")
        && fields[2].contains("master") && !fields[2].contains("fail")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code asked} flags {@code server} as failed ({@code fail}, agreed by a majority of the masters, not
   * the {@code fail?} that one server suspects): from then on, with {@code cluster-require-full-coverage yes}, the
   * cluster answers CLUSTERDOWN until a replica takes over.
   */
  public boolean seesAsFailed(RedisServerProcess asked, RedisServerProcess server) {
    for (String line : send(asked, Request.cmd(Command.CLUSTER).arg("NODES")).toString().split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length > 2 && fields[1].startsWith("127.0.0.1:" + server.port() + "@")) {
        return List.of(fields[2].split(",")).contains("fail");
      }
    }
    return false;
  }

  /** A Redis Cluster client over every node that still runs; the caller closes it. */
  public Redis clusterClient() {
    RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setMaxPoolSize(16)
      .setMaxPoolWaiting(4096).setMaxWaitingHandlers(4096);
    all().stream().filter(s -> ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false))
      .forEach(s -> options.addConnectionString(s.uri()));
    return Redis.createClient(vertx, options);
  }

  @Override
  public void close() {
    all().forEach(RedisServerProcess::close);
  }
}
