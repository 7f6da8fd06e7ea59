package io.multiverse9.config;

import io.multiverse9.protocol.Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A node's validated settings (SPEC 4). Built by {@link SettingsParser}; immutable.
 *
 * @param redisUri a vertx-redis-client connection string, or {@link #EMBEDDED}; may hold a password, never log it
 * @param authToken never logged
 * @param authTokenDigest of {@code authToken}, computed once for this version of the settings: what sessions that
 *   passed AUTH are compared with on each request (SPEC 3)
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
  MetricsLimits metricsLimits,
  int configScanMs,
  RedisTopology redis,
  Set<String> roles,
  Tls tls,
  int shutdownGraceS,
  Durability durability,
  TokenDigest authTokenDigest) {

  public static final int DEFAULT_SHUTDOWN_GRACE_S = 10;

  /** Settings whose token digest is computed here. */
  public Settings(String name, String redisUri, String version, Perms perms, Address addr, List<PeerEntry> nodes,
      Address advertisedAddr, boolean trustLoopback, String authToken, String keyPrefix, String dataDir,
      Limits limits, Verticles verticles, Address metricsAddr, MetricsLimits metricsLimits, int configScanMs,
      RedisTopology redis, Set<String> roles, Tls tls, int shutdownGraceS, Durability durability) {
    this(name, redisUri, version, perms, addr, nodes, advertisedAddr, trustLoopback, authToken, keyPrefix, dataDir,
      limits, verticles, metricsAddr, metricsLimits, configScanMs, redis, roles, tls, shutdownGraceS, durability,
      TokenDigest.of(authToken));
  }

  /** What a JVM of the node runs: {@code node} (the listener), {@code storage}, {@code peer}. */
  public static final Set<String> ALL_ROLES = Set.of("node", "storage", "peer");

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** The {@code nodes} entry for {@code address}, or {@code null}: a peer this node acknowledges, with its token. */
  public PeerEntry node(Address address) {
    for (PeerEntry node : nodes) {
      if (node.addr().equals(address)) {
        return node;
      }
    }
    return null;
  }


  /** The {@code redis_uri} that makes the node start and own a private redis-server (SPEC 2). */
  public static final String EMBEDDED = "embedded";

  public boolean embeddedRedis() {
    return EMBEDDED.equals(redisUri);
  }

  /** The same settings listening on {@code bound} (after port 0 was resolved). */
  public Settings boundTo(Address bound) {
    Copy copy = new Copy(this);
    copy.addr = bound;
    if (advertisedAddr.equals(addr)) {
      copy.advertisedAddr = bound;
    }
    return copy.build();
  }

  /** The same settings on another Redis (the embedded server, once started). */
  public Settings withRedisUri(String uri) {
    Copy copy = new Copy(this);
    copy.redisUri = uri;
    return copy.build();
  }

  /**
   * These settings with the fields that only a restart can change taken from {@code running}: {@code name} (it
   * names the event-bus addresses), {@code data_dir}, {@code verticles}, {@code metrics.*},
   * {@code config_scan_ms}, {@code roles} and {@code tls}.
   */
  public Settings keepingRestartFieldsOf(Settings running) {
    Copy copy = new Copy(this);
    copy.name = running.name;
    copy.dataDir = running.dataDir;
    copy.verticles = running.verticles;
    copy.metricsAddr = running.metricsAddr;
    copy.metricsLimits = running.metricsLimits;
    copy.configScanMs = running.configScanMs;
    copy.roles = running.roles;
    copy.tls = running.tls;
    return copy.build();
  }

  /**
   * The one place that copies every field, so that each with-method above states only what it changes. The token
   * digest is copied, not recomputed: none of them changes the token.
   */
  private static final class Copy {
    String name;
    String redisUri;
    String version;
    Perms perms;
    Address addr;
    List<PeerEntry> nodes;
    Address advertisedAddr;
    boolean trustLoopback;
    String authToken;
    String keyPrefix;
    String dataDir;
    Limits limits;
    Verticles verticles;
    Address metricsAddr;
    MetricsLimits metricsLimits;
    int configScanMs;
    RedisTopology redis;
    Set<String> roles;
    Tls tls;
    int shutdownGraceS;
    Durability durability;
    TokenDigest authTokenDigest;

    Copy(Settings from) {
      name = from.name;
      redisUri = from.redisUri;
      version = from.version;
      perms = from.perms;
      addr = from.addr;
      nodes = from.nodes;
      advertisedAddr = from.advertisedAddr;
      trustLoopback = from.trustLoopback;
      authToken = from.authToken;
      keyPrefix = from.keyPrefix;
      dataDir = from.dataDir;
      limits = from.limits;
      verticles = from.verticles;
      metricsAddr = from.metricsAddr;
      metricsLimits = from.metricsLimits;
      configScanMs = from.configScanMs;
      redis = from.redis;
      roles = from.roles;
      tls = from.tls;
      shutdownGraceS = from.shutdownGraceS;
      durability = from.durability;
      authTokenDigest = from.authTokenDigest;
    }

    Settings build() {
      return new Settings(name, redisUri, version, perms, addr, nodes, advertisedAddr, trustLoopback, authToken,
        keyPrefix, dataDir, limits, verticles, metricsAddr, metricsLimits, configScanMs, redis, roles, tls,
        shutdownGraceS, durability, authTokenDigest);
    }
  }

  /** Names of the fields that differ from {@code other}, as they are written in the settings file. */
  public List<String> differencesFrom(Settings other) {
    List<String> changed = new ArrayList<>();
    BiConsumer<String, Boolean> check = (field, same) -> {
      if (!same) {
        changed.add(field);
      }
    };
    Objects.requireNonNull(other);
    check.accept("name", name.equals(other.name));
    check.accept("redis_uri", redisUri.equals(other.redisUri));
    check.accept("version", version.equals(other.version));
    check.accept("perms", perms.equals(other.perms));
    check.accept("addr", addr.equals(other.addr));
    check.accept("nodes", nodes.equals(other.nodes));
    check.accept("advertised_addr", advertisedAddr.equals(other.advertisedAddr));
    check.accept("trust_loopback", trustLoopback == other.trustLoopback);
    check.accept("auth", Objects.equals(authToken, other.authToken));
    check.accept("key_prefix", keyPrefix.equals(other.keyPrefix));
    check.accept("data_dir", dataDir.equals(other.dataDir));
    check.accept("limits", limits.equals(other.limits));
    check.accept("verticles", verticles.equals(other.verticles));
    check.accept("metrics", Objects.equals(metricsAddr, other.metricsAddr)
      && metricsLimits.equals(other.metricsLimits));
    check.accept("config_scan_ms", configScanMs == other.configScanMs);
    check.accept("redis", redis.equals(other.redis));
    check.accept("roles", roles.equals(other.roles));
    check.accept("tls", Objects.equals(tls, other.tls));
    check.accept("shutdown_grace_s", shutdownGraceS == other.shutdownGraceS);
    check.accept("durability", durability.equals(other.durability));
    return changed;
  }

  /** What a log may show: no token, no Redis password (SPEC 3). */
  @Override
  public String toString() {
    return "Settings[name=" + name + ", addr=" + addr + ", redis_uri=" + redisUriForDisplay() + ", nodes=" + nodes
      + ", auth=" + (authToken == null ? "none" : "***") + "]";
  }

  /** The Redis URI with any password replaced by {@code ***}, for logs and metadata. */
  public String redisUriForDisplay() {
    return RedisUris.redact(redisUri);
  }
}
