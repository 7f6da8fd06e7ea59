package io.multiverse9.storage;

import io.multiverse9.config.RedisTls;
import io.multiverse9.config.RedisTopology;
import io.multiverse9.config.Settings;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
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
      .setNetClientOptions(netClient(settings));
  }

  /** One connection to the sentinel at {@code endpoint}, as {@link SentinelWatch} subscribes on. */
  static RedisOptions sentinel(Settings settings, String endpoint) {
    return new RedisOptions()
      .setConnectionString(endpoint)
      .setMaxPoolSize(1)
      .setMaxPoolWaiting(8)
      .setNetClientOptions(netClient(settings));
  }

  private static NetClientOptions netClient(Settings settings) {
    return tls(new NetClientOptions()
      .setConnectTimeout(settings.limits().storageTimeoutMs())
      .setTcpNoDelay(true)
      .setTcpKeepAlive(true), settings.redis().tls());
  }

  /**
   * What a {@code rediss://} connection trusts and checks. The Redis client upgrades such a connection with these
   * options; Vert.x 5 refuses to without a host-name verification algorithm, and "HTTPS" is the one that checks the
   * URI's host (a name or an IP) against the names the certificate carries. Plain connections ignore all of it.
   */
  private static NetClientOptions tls(NetClientOptions options, RedisTls tls) {
    options.setHostnameVerificationAlgorithm("HTTPS");
    if (tls != null && tls.caPath() != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(tls.caPath()));
    }
    if (tls != null && tls.certPath() != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
    }
    return options;
  }
}
