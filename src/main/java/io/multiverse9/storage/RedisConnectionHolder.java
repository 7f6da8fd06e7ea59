package io.multiverse9.storage;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;

/**
 * The one Redis connection a storage verticle pipelines its commands on (no pool hand-off per command): opened
 * on first use, dropped after a failure or when Redis closes it, so that the next command starts on a fresh
 * one, and closed with the client when the verticle stops. Confined to the verticle's context.
 */
final class RedisConnectionHolder {

  private final Redis redis;
  private Future<RedisConnection> connection;

  RedisConnectionHolder(Redis redis) {
    this.redis = redis;
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

  /** A command failed on {@code failed}: close it, unless a fresh one already replaced it. */
  void drop(Future<RedisConnection> failed) {
    if (connection == failed) {
      connection = null;
      failed.onSuccess(RedisConnection::close);
    }
  }

  Future<Void> close() {
    if (connection != null) {
      connection.onSuccess(RedisConnection::close);
      connection = null;
    }
    return redis.close();
  }

  private void forget(Future<RedisConnection> which) {
    if (connection == which) {
      connection = null;
    }
  }
}
