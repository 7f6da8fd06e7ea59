package io.multiverse9.config;

import io.multiverse9.protocol.Address;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Validates a settings document (SPEC 4). The original multiverse9's file is accepted as it is: {@code name},
 * {@code redis_uri}, {@code version}, {@code perms}, {@code addr} and {@code nodes} are required, every other field
 * has a default. Unknown fields are reported as warnings, a bad value as a {@link SettingsException} naming it.
 */
public final class SettingsParser {

  private static final Set<String> TOP = Set.of("name", "redis_uri", "version", "perms", "addr", "nodes",
    "advertised_addr", "trust_loopback", "auth", "key_prefix", "data_dir", "limits", "verticles", "metrics",
    "config_scan_ms", "redis", "roles", "tls", "shutdown_grace_s", "durability");
  private static final Set<String> TLS = Set.of("cert", "key", "ca");
  private static final Set<String> REDIS = Set.of("type", "endpoints", "master_name", "tls");
  private static final Set<String> REDIS_TLS = Set.of("ca", "cert", "key");
  private static final Set<String> PERMS = Set.of("open_metadata", "open_interactions");
  private static final Set<String> LIMITS = Set.of("max_frame_bytes", "max_targets", "max_connections",
    "idle_timeout_s", "peer_timeout_ms", "max_pipeline", "storage_timeout_ms", "max_pending_bytes",
    "max_buffered_bytes", "max_answer_bytes", "max_stranger_frame_bytes", "tls_handshake_timeout_ms");
  private static final Set<String> DURABILITY = Set.of("replicas", "timeout_ms");
  /** More replicas than any Redis deployment runs; a typo such as 10000 stops the start instead. */
  static final int MAX_REPLICAS = 100;
  private static final Set<String> VERTICLES = Set.of("node", "storage", "peer");
  private static final Set<String> AUTH = Set.of("token");
  private static final Set<String> METRICS = Set.of("addr", "idle_timeout_s", "max_connections");
  private static final Set<String> NODE_ENTRY = Set.of("addr", "token");
  /** Keys the Vert.x launcher or our own run command may add; not settings, so not warned about. */
  private static final Set<String> INTERNAL = Set.of("settings_path");

  private final Consumer<String> warnings;

  public SettingsParser(Consumer<String> warnings) {
    this.warnings = warnings;
  }

  /** Parses settings given as text; a syntax error names the line and column, never the text (SPEC 3). */
  public Settings parse(String text) {
    return parse(SettingsJson.parseObject(text, "settings"));
  }

  public Settings parse(JsonObject json) {
    warnUnknown("", json, TOP);
    String name = requiredString(json, "name");
    String redisUri = requiredString(json, "redis_uri");
    if (!redisUri.equals(Settings.EMBEDDED) && !RedisUris.isSupported(redisUri)) {
      throw new SettingsException("redis_uri", "expected \"embedded\" or a redis://, rediss:// or unix:// URI, got \""
        + RedisUris.redact(redisUri) + "\"");
    }
    // optional: the original multiverse9's files carry it, a minimal file need not
    String version = json.getValue("version") == null ? SoftwareVersion.get() : nonEmpty(json.getValue("version"),
      "version");
    JsonObject permsJson = object(json, "perms", true);
    warnUnknown("perms.", permsJson, PERMS);
    Perms perms = new Perms(requiredBoolean(permsJson, "perms.", "open_metadata"),
      requiredBoolean(permsJson, "perms.", "open_interactions"));
    Address addr = address(requiredString(json, "addr"), "addr", true);
    List<PeerEntry> nodes = nodes(json);
    Address advertised = json.containsKey("advertised_addr")
      ? address(string(json, "advertised_addr", null), "advertised_addr", false) : addr;
    boolean trustLoopback = bool(json, "", "trust_loopback", true);
    JsonObject auth = object(json, "auth", false);
    warnUnknown("auth.", auth, AUTH);
    String token = auth.containsKey("token") ? nonEmpty(auth.getValue("token"), "auth.token") : null;
    String keyPrefix = string(json, "key_prefix", "mv9:");
    String dataDir = string(json, "data_dir", "data");
    if (dataDir.isEmpty()) {
      throw new SettingsException("data_dir", "must not be empty");
    }
    Limits limits = limits(object(json, "limits", false));
    Verticles verticles = verticles(object(json, "verticles", false));
    JsonObject metrics = object(json, "metrics", false);
    warnUnknown("metrics.", metrics, METRICS);
    Address metricsAddr = metrics.containsKey("addr")
      ? address(string(metrics, "addr", null), "metrics.addr", true) : null;
    MetricsLimits metricsLimits = new MetricsLimits(
      positiveInt(metrics, "metrics.", "idle_timeout_s", MetricsLimits.DEFAULT_IDLE_TIMEOUT_S),
      positiveInt(metrics, "metrics.", "max_connections", MetricsLimits.DEFAULT_MAX_CONNECTIONS));
    int scan = positiveInt(json, "", "config_scan_ms", 2000);
    RedisTopology redis = redisTopology(object(json, "redis", false), redisUri);
    Durability durability = durability(object(json, "durability", false), redisUri, redis, limits);
    return new Settings(name, redisUri, version, perms, addr, nodes, advertised, trustLoopback, token, keyPrefix,
      dataDir, limits, verticles, metricsAddr, metricsLimits, scan, redis, roles(json), tls(json),
      positiveInt(json, "", "shutdown_grace_s", Settings.DEFAULT_SHUTDOWN_GRACE_S), durability);
  }

  private List<PeerEntry> nodes(JsonObject json) {
    Object value = json.getValue("nodes");
    if (value == null) {
      throw new SettingsException("nodes", "is missing (use [] for a node that acknowledges no peers)");
    }
    if (!(value instanceof JsonArray array)) {
      throw new SettingsException("nodes", "must be a list of \"host:port\" or {\"addr\": ..., \"token\": ...}");
    }
    List<PeerEntry> nodes = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String field = "nodes[" + i + "]";
      Object entry = array.getValue(i);
      if (entry instanceof String s) {
        nodes.add(new PeerEntry(address(s, field, false), null));
      } else if (entry instanceof JsonObject o) {
        warnUnknown(field + ".", o, NODE_ENTRY);
        Object addr = o.getValue("addr");
        if (!(addr instanceof String s)) {
          throw new SettingsException(field + ".addr", "is missing or not a \"host:port\" string");
        }
        String token = o.containsKey("token") ? nonEmpty(o.getValue("token"), field + ".token") : null;
        nodes.add(new PeerEntry(address(s, field + ".addr", false), token));
      } else {
        throw new SettingsException(field, "must be \"host:port\" or {\"addr\": \"host:port\", \"token\": \"...\"}");
      }
    }
    warnAboutNamesWithoutToken(nodes);
    return List.copyOf(nodes);
  }

  // A name acknowledges nobody by address (PeerEntry.ip): with no token either, the entry likely misses its point.
  private void warnAboutNamesWithoutToken(List<PeerEntry> nodes) {
    for (int i = 0; i < nodes.size(); i++) {
      PeerEntry node = nodes.get(i);
      if (node.ip() == null && node.token() == null) {
        warnings.accept("nodes[" + i + "]: " + node.addr().host() + " is a host name, which is not looked up to "
          + "acknowledge connections: connections from that peer are acknowledged only after AUTH with auth.token; "
          + "write its IP to acknowledge it by address");
      }
    }
  }

  private Tls tls(JsonObject json) {
    if (json.getValue("tls") == null) {
      return null;
    }
    JsonObject tls = object(json, "tls", true);
    warnUnknown("tls.", tls, TLS);
    if (!tls.containsKey("cert") || !tls.containsKey("key")) {
      throw new SettingsException(tls.containsKey("cert") ? "tls.key" : "tls.cert", "is missing (a PEM file)");
    }
    String cert = nonEmpty(tls.getValue("cert"), "tls.cert");
    String key = nonEmpty(tls.getValue("key"), "tls.key");
    String ca = tls.containsKey("ca") ? nonEmpty(tls.getValue("ca"), "tls.ca") : null;
    for (String[] file : new String[][] {{"tls.cert", cert}, {"tls.key", key}, {"tls.ca", ca}}) {
      if (file[1] != null && !Files.isReadable(Path.of(file[1]))) {
        throw new SettingsException(file[0], "cannot read " + file[1]);
      }
    }
    return new Tls(cert, key, ca);
  }

  private static Set<String> roles(JsonObject json) {
    Object value = json.getValue("roles");
    if (value == null) {
      return Settings.ALL_ROLES;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new SettingsException("roles", "must be a non-empty list of " + Settings.ALL_ROLES);
    }
    Set<String> roles = new TreeSet<>();
    for (Object role : array) {
      if (!Settings.ALL_ROLES.contains(role)) {
        throw new SettingsException("roles", "unknown role " + role + "; the roles are " + Settings.ALL_ROLES);
      }
      roles.add((String) role);
    }
    return Set.copyOf(roles);
  }

  private RedisTopology redisTopology(JsonObject json, String redisUri) {
    warnUnknown("redis.", json, REDIS);
    String type = string(json, "type", "standalone");
    if (!RedisTopology.TYPES.contains(type)) {
      throw new SettingsException("redis.type", "must be one of " + RedisTopology.TYPES + ", got \"" + type + "\"");
    }
    List<String> endpoints = new ArrayList<>();
    Object value = json.getValue("endpoints");
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        if (!(array.getValue(i) instanceof String s) || !RedisUris.isSupported(s)) {
          throw new SettingsException("redis.endpoints[" + i + "]", "must be a redis:// or rediss:// URI");
        }
        endpoints.add((String) array.getValue(i));
      }
    } else if (value != null) {
      throw new SettingsException("redis.endpoints", "must be a list of redis:// URIs");
    }
    if (!type.equals("standalone") && redisUri.equals(Settings.EMBEDDED)) {
      throw new SettingsException("redis.type", type + " needs redis_uri or redis.endpoints, not \"embedded\"");
    }
    if (endpoints.isEmpty()) {
      endpoints.add(redisUri);
    }
    return new RedisTopology(type, List.copyOf(endpoints), string(json, "master_name", "mymaster"),
      redisTls(json, redisUri, endpoints));
  }

  /** {@code redis.tls}: checked here, as far as files can be, so that a TLS setting that cannot work stops the start. */
  private RedisTls redisTls(JsonObject redis, String redisUri, List<String> endpoints) {
    if (redis.getValue("tls") == null) {
      return null;
    }
    JsonObject tls = object(redis, "tls", true);
    warnUnknown("redis.tls.", tls, REDIS_TLS);
    boolean rediss = redisUri.startsWith("rediss://") || endpoints.stream().anyMatch(u -> u.startsWith("rediss://"));
    if (!rediss) {
      throw new SettingsException("redis.tls", "is set but no Redis URI is rediss:// (redis_uri "
        + RedisUris.redact(redisUri) + "): write rediss:// to reach Redis over TLS, or remove redis.tls");
    }
    String ca = tls.containsKey("ca") ? nonEmpty(tls.getValue("ca"), "redis.tls.ca") : null;
    String cert = tls.containsKey("cert") ? nonEmpty(tls.getValue("cert"), "redis.tls.cert") : null;
    String key = tls.containsKey("key") ? nonEmpty(tls.getValue("key"), "redis.tls.key") : null;
    if ((cert == null) != (key == null)) {
      throw new SettingsException(cert == null ? "redis.tls.cert" : "redis.tls.key",
        "is missing: a client certificate needs both redis.tls.cert and redis.tls.key (PEM files)");
    }
    if (ca != null) {
      PemFiles.certificates("redis.tls.ca", ca);
    }
    if (cert != null) {
      PemFiles.certificates("redis.tls.cert", cert);
      PemFiles.privateKey("redis.tls.key", key);
    }
    return new RedisTls(ca, cert, key);
  }

  private Limits limits(JsonObject json) {
    warnUnknown("limits.", json, LIMITS);
    return new Limits(
      positiveInt(json, "limits.", "max_frame_bytes", Limits.DEFAULT_MAX_FRAME_BYTES),
      positiveInt(json, "limits.", "max_targets", Limits.DEFAULT_MAX_TARGETS),
      positiveInt(json, "limits.", "max_connections", Limits.DEFAULT_MAX_CONNECTIONS),
      positiveInt(json, "limits.", "idle_timeout_s", Limits.DEFAULT_IDLE_TIMEOUT_S),
      positiveInt(json, "limits.", "peer_timeout_ms", Limits.DEFAULT_PEER_TIMEOUT_MS),
      positiveInt(json, "limits.", "max_pipeline", Limits.DEFAULT_MAX_PIPELINE),
      positiveInt(json, "limits.", "storage_timeout_ms", Limits.DEFAULT_STORAGE_TIMEOUT_MS),
      positiveInt(json, "limits.", "max_pending_bytes", Limits.DEFAULT_MAX_PENDING_BYTES),
      positiveLong(json, "limits.", "max_buffered_bytes", Limits.DEFAULT_MAX_BUFFERED_BYTES),
      positiveInt(json, "limits.", "max_answer_bytes", Limits.DEFAULT_MAX_ANSWER_BYTES),
      positiveInt(json, "limits.", "max_stranger_frame_bytes", Limits.DEFAULT_MAX_STRANGER_FRAME_BYTES),
      positiveInt(json, "limits.", "tls_handshake_timeout_ms", Limits.DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS));
  }

  /**
   * {@code durability.*} (SPEC 2.1), refused where the node could not confirm replication: a node that claimed to
   * wait for replicas and could not would answer every write UNAVAILABLE, or worse, OK unconfirmed.
   */
  private Durability durability(JsonObject json, String redisUri, RedisTopology redis, Limits limits) {
    warnUnknown("durability.", json, DURABILITY);
    int replicas = (int) wholeNumber(json, "durability.", "replicas", 0, 0, MAX_REPLICAS);
    int timeoutMs = positiveInt(json, "durability.", "timeout_ms", Durability.DEFAULT_TIMEOUT_MS);
    if (replicas == 0) {
      return new Durability(replicas, timeoutMs);
    }
    if (redis.isCluster()) {
      // WAIT counts the replicas of the server that got it, and a cluster connection sends a keyless command to
      // any master, not to the one that took the write
      throw new SettingsException("durability.replicas", "cannot be confirmed on a Redis Cluster connection (WAIT "
        + "would not reach the master that took the write): use redis.type sentinel or standalone, or set "
        + "durability.replicas to 0");
    }
    if (redisUri.equals(Settings.EMBEDDED)) {
      throw new SettingsException("durability.replicas", "the embedded Redis has no replicas: point redis_uri or "
        + "redis.type sentinel at a Redis with replicas, or set durability.replicas to 0");
    }
    if (timeoutMs >= limits.storageTimeoutMs()) {
      // a WAIT holds every command pipelined behind it on the connection: it must end before their storage timeout
      throw new SettingsException("durability.timeout_ms", "must be below limits.storage_timeout_ms ("
        + limits.storageTimeoutMs() + "), got " + timeoutMs);
    }
    return new Durability(replicas, timeoutMs);
  }

  private Verticles verticles(JsonObject json) {
    warnUnknown("verticles.", json, VERTICLES);
    int cores = Runtime.getRuntime().availableProcessors();
    int max = Verticles.MAX_INSTANCES;
    return new Verticles((int) wholeNumber(json, "verticles.", "node", Math.min(cores, max), max),
      (int) wholeNumber(json, "verticles.", "storage", Math.min(cores, max), max),
      (int) wholeNumber(json, "verticles.", "peer", Math.min(cores, max), max));
  }

  // --- field readers: each names the field in its error ---

  private static String requiredString(JsonObject json, String field) {
    if (!json.containsKey(field) || json.getValue(field) == null) {
      throw new SettingsException(field, "is missing");
    }
    return nonEmpty(json.getValue(field), field);
  }

  private static String nonEmpty(Object value, String field) {
    if (!(value instanceof String s)) {
      throw new SettingsException(field, "must be a string");
    }
    if (s.isBlank()) {
      throw new SettingsException(field, "must not be empty");
    }
    return s;
  }

  private static String string(JsonObject json, String field, String defaultValue) {
    Object value = json.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof String s)) {
      throw new SettingsException(field, "must be a string");
    }
    return s;
  }

  private static JsonObject object(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        throw new SettingsException(field, "is missing");
      }
      return new JsonObject();
    }
    if (!(value instanceof JsonObject o)) {
      throw new SettingsException(field, "must be an object");
    }
    return o;
  }

  private static boolean requiredBoolean(JsonObject json, String prefix, String field) {
    if (!json.containsKey(field)) {
      throw new SettingsException(prefix + field, "is missing (true or false)");
    }
    return bool(json, prefix, field, false);
  }

  private static boolean bool(JsonObject json, String prefix, String field, boolean defaultValue) {
    Object value = json.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean b)) {
      throw new SettingsException(prefix + field, "must be true or false");
    }
    return b;
  }

  private static int positiveInt(JsonObject json, String prefix, String field, int defaultValue) {
    return (int) wholeNumber(json, prefix, field, defaultValue, Integer.MAX_VALUE);
  }

  private static long positiveLong(JsonObject json, String prefix, String field, long defaultValue) {
    return wholeNumber(json, prefix, field, defaultValue, Long.MAX_VALUE);
  }

  private static long wholeNumber(JsonObject json, String prefix, String field, long defaultValue, long max) {
    return wholeNumber(json, prefix, field, defaultValue, 1, max);
  }

  private static long wholeNumber(JsonObject json, String prefix, String field, long defaultValue, long min,
      long max) {
    Object value = json.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new SettingsException(prefix + field, "must be a whole number");
    }
    if (n.longValue() < min || n.longValue() > max) {
      throw new SettingsException(prefix + field, "must be between " + min + " and " + max + ", got " + n);
    }
    return n.longValue();
  }

  private static Address address(String text, String field, boolean allowAnyPort) {
    if (text == null) {
      throw new SettingsException(field, "must be a \"host:port\" string");
    }
    try {
      return Address.parse(text, allowAnyPort);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(field, e.getMessage());
    }
  }

  /** Unknown fields are warned about; a near miss of a known one stops the node, naming what it resembles. */
  private void warnUnknown(String prefix, JsonObject json, Set<String> known) {
    for (Map.Entry<String, Object> e : json) {
      String field = e.getKey();
      if (known.contains(field) || (prefix.isEmpty() && INTERNAL.contains(field))) {
        continue;
      }
      NearMiss.of(field, known).ifPresent(meant -> {
        throw new SettingsException(prefix + field, "unknown setting; did you mean " + prefix + meant + "?");
      });
      warnings.accept("unknown setting " + prefix + field + " is ignored");
    }
  }
}
