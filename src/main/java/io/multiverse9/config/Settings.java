package io.multiverse9.config;

import io.multiverse9.protocol.Address;
import java.util.List;

/**
 * A node's validated settings (SPEC 4). Built by {@link SettingsParser}; immutable.
 *
 * @param redisUri a vertx-redis-client connection string, or {@link #EMBEDDED}; may hold a password, never log it
 */
public record Settings(
  String name,
  String redisUri,
  String version,
  Perms perms,
  Address addr,
  List<PeerEntry> nodes,
  Address advertisedAddr,
  boolean trustLoopback,
  String authToken,
  String keyPrefix,
  String dataDir,
  Limits limits,
  Verticles verticles,
  Address metricsAddr,
  int configScanMs) {

  /** The {@code redis_uri} that makes the node start and own a private redis-server (SPEC 2). */
  public static final String EMBEDDED = "embedded";

  public boolean embeddedRedis() {
    return EMBEDDED.equals(redisUri);
  }

  /** The same settings listening on {@code bound} (after port 0 was resolved). */
  public Settings boundTo(Address bound) {
    Address advertised = advertisedAddr.equals(addr) ? bound : advertisedAddr;
    return new Settings(name, redisUri, version, perms, bound, nodes, advertised, trustLoopback, authToken,
      keyPrefix, dataDir, limits, verticles, metricsAddr, configScanMs);
  }

  /** The same settings on another Redis (the embedded server, once started). */
  public Settings withRedisUri(String uri) {
    return new Settings(name, uri, version, perms, addr, nodes, advertisedAddr, trustLoopback, authToken,
      keyPrefix, dataDir, limits, verticles, metricsAddr, configScanMs);
  }

  /** The Redis URI with any password replaced by {@code ***}, for logs and metadata. */
  public String redisUriForDisplay() {
    return RedisUris.redact(redisUri);
  }
}
