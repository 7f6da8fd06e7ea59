package io.multiverse9.storage;

import io.multiverse9.config.RedisTopology;
import io.multiverse9.config.Settings;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/** The Redis client options for a node's {@code redis} topology: standalone, cluster or sentinel. */
final class RedisOptionsFactory {

  private RedisOptionsFactory() {
  }

  /**
   * Commands one connection may have sent and not yet seen answered: past it the Redis client refuses a command
   * ("waiting queue is full"), so {@link CommandBatcher} holds what would go beyond it until answers make room.
   */
  static final int MAX_WAITING_HANDLERS = 4096;

  static RedisOptions create(Settings settings) {
    int timeout = settings.limits().storageTimeoutMs();
    RedisOptions options = new RedisOptions();
    RedisTopology topology = settings.redis();
    switch (topology.type()) {
      case "cluster" -> options.setType(RedisClientType.CLUSTER).setEndpoints(topology.endpoints());
      case "sentinel" -> options.setType(RedisClientType.SENTINEL).setEndpoints(topology.endpoints())
        .setMasterName(topology.masterName()).setRole(RedisRole.MASTER);
      default -> options.setConnectionString(settings.redisUri());
    }
    return options
      .setMaxPoolSize(8)
      .setMaxPoolWaiting(4096)
      .setMaxWaitingHandlers(MAX_WAITING_HANDLERS)
      .setNetClientOptions(new NetClientOptions()
        .setConnectTimeout(timeout)
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true));
  }
}
