package io.multiverse9.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one Redis connection a storage verticle pipelines its commands on (no pool hand-off per command): opened
 * on first use, replaced after a failure or when Redis closes it, and closed with the client when the verticle
 * stops. Confined to the verticle's context.
 *
 * <p>Replacing a connection replaces the whole client. vertx-redis-client's connections come from a pool, and
 * closing one only hands it back: the next {@code connect()} returns the same socket. After a command timed out
 * on a connection that silently stopped answering (a peer that froze, a firewall that forgot the flow), that
 * socket would serve every later command until the kernel gave up on it, minutes later; closing the client
 * closes its sockets, and the new one connects afresh.
 *
 * <p>A Redis Cluster connection is one socket per server, and losing one of them (a master killed) leaves the
 * others serving their slots. It is not dropped then but renewed ({@link #renew}): a new client connects beside
 * it and takes over once it can, which the Redis client allows only when every server the cluster names as a
 * slot's owner answers, that is once the cluster has promoted a replica in place of the dead master. Until then the
 * slots of the living masters are served on the old connection; dropping it would have failed every command until
 * the failover ended, cluster-node-timeout and more.
 */
final class RedisConnectionHolder {

  /** Between two attempts to renew a cluster connection: each asks a server for the slots and connects to all. */
  static final long RENEWAL_INTERVAL_MS = 200;

  private final Vertx vertx;
  private final Supplier<Redis> clients;
  private final boolean cluster;
  private final long retireAfterMs;
  private Redis redis;
  private Future<RedisConnection> connection;
  /** The new cluster client's connection being opened by {@link #renew}, if any. */
  private Future<RedisConnection> renewing;
  private long lastRenewalNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(RENEWAL_INTERVAL_MS);
  /**
   * Clients replaced by a renewal, closed once the commands they still carry had their time: at most
   * {@code retireAfterMs / RENEWAL_INTERVAL_MS} at once, since one renewal at most starts per interval.
   */
  private final Set<Redis> retiring = new HashSet<>();

  /** A holder for one Redis server (standalone or through Sentinel): a connection that failed is dropped. */
  RedisConnectionHolder(Supplier<Redis> clients) {
    this(null, clients, false, 0);
  }

  /**
   * @param clients makes a new client, called now and whenever a connection is replaced
   * @param cluster whether the connection is to a Redis Cluster, renewed rather than dropped when part of it fails
   * @param retireAfterMs how long a renewed cluster client stays open for the commands it carries (the storage
   *     timeout)
   */
  RedisConnectionHolder(Vertx vertx, Supplier<Redis> clients, boolean cluster, long retireAfterMs) {
    this.vertx = vertx;
    this.clients = clients;
    this.cluster = cluster;
    this.retireAfterMs = retireAfterMs;
    this.redis = clients.get();
  }

  /** The current connection, opening one if there is none. */
  Future<RedisConnection> get() {
    Future<RedisConnection> current = connection;
    if (current == null) {
      Future<RedisConnection> opening = redis.connect();
      connection = opening;
      // a connect that fails at once (the client closed as the node stops) forgets it before it is returned:
      // the caller still gets its failure, never null
      opening.onSuccess(c -> c.exceptionHandler(e -> lost(opening)).endHandler(v -> lost(opening)))
        .onFailure(e -> forget(opening));
      current = opening;
    }
    return current;
  }

  /**
   * A command failed on {@code failed}: unless a fresh connection already replaced it, close it with its client
   * (whatever else is in flight on it fails now rather than at its own deadline) and use a new client from here.
   */
  void drop(Future<RedisConnection> failed) {
    if (connection == failed) {
      connection = null;
      Redis old = redis;
      redis = clients.get();
      old.close();
    }
  }

  /**
   * The connection goes to a server that is no longer the one to use (Sentinel promoted another master): closed
   * with its client, so that the next command opens one to the server in charge now.
   */
  void replace() {
    if (connection != null) {
      drop(connection);
    }
  }

  /**
   * A command got no answer on the cluster connection {@code failed} (a server closed its socket, or answered
   * nothing in time): a new client connects beside it, at most one at a time and one every
   * {@link #RENEWAL_INTERVAL_MS}; if it can, it takes over, and the old one is closed {@code retireAfterMs} later,
   * when what it carries has been answered or timed out. If it cannot (a slot's owner does not answer), the old
   * connection goes on serving the slots whose servers answer, and the next failure tries again.
   */
  void renew(Future<RedisConnection> failed) {
    long now = System.nanoTime();
    if (connection != failed || renewing != null
      || now - lastRenewalNanos < TimeUnit.MILLISECONDS.toNanos(RENEWAL_INTERVAL_MS)) {
      return;
    }
    lastRenewalNanos = now;
    Redis fresh = clients.get();
    Future<RedisConnection> opening = fresh.connect();
    renewing = opening;
    opening.onComplete(ar -> {
      renewing = null;
      if (ar.failed() || connection != failed) { // cannot yet, or replaced meanwhile
        fresh.close();
        return;
      }
      ar.result().exceptionHandler(e -> lost(opening)).endHandler(v -> lost(opening));
      Redis old = redis;
      redis = fresh;
      connection = opening;
      retiring.add(old);
      vertx.setTimer(retireAfterMs, id -> {
        if (retiring.remove(old)) {
          old.close();
        }
      });
    });
  }

  Future<Void> close() {
    connection = null;
    retiring.forEach(Redis::close);
    retiring.clear();
    return redis.close();
  }

  /** A socket of the connection ended: the whole of a single server's, one of a cluster's. */
  private void lost(Future<RedisConnection> which) {
    if (cluster) {
      renew(which);
    } else {
      forget(which);
    }
  }

  private void forget(Future<RedisConnection> which) {
    if (connection == which) {
      connection = null;
    }
  }
}
