package io.multiverse9.storage;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
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
 */
final class RedisConnectionHolder {

  private final Supplier<Redis> clients;
  private Redis redis;
  private Future<RedisConnection> connection;

  /** @param clients makes a new client, called now and whenever a connection is replaced */
  RedisConnectionHolder(Supplier<Redis> clients) {
    this.clients = clients;
    this.redis = clients.get();
  }

  /** The current connection, opening one if there is none. */
  Future<RedisConnection> get() {
    if (connection == null) {
      Future<RedisConnection> opening = redis.connect();
      connection = opening;
      opening.onSuccess(c -> c.exceptionHandler(e -> forget(opening)).endHandler(v -> forget(opening)))
        .onFailure(e -> forget(opening));
    }
    return connection;
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

  Future<Void> close() {
    connection = null;
    return redis.close();
  }

  private void forget(Future<RedisConnection> which) {
    if (connection == which) {
      connection = null;
    }
  }
}
