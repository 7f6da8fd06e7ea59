package io.multiverse9.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.Untimed;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** SPEC 4: the original file as is, defaults, and one-line errors naming the field. */
@Untimed
class SettingsParserTest {

  static final String ORIGINAL = """
    {
      "name": "multiverse9_01JD7Q6W7C4X5S2Z3Y8K9M0N1P",
      "redis_uri": "redis://127.0.0.1:6379",
      "version": "0.1.0",
      "perms": { "open_metadata": false, "open_interactions": false },
      "addr": "127.0.0.1:7001",
      "nodes": ["127.0.0.1:7002"]
    }""";

  final List<String> warnings = new ArrayList<>();
  final SettingsParser parser = new SettingsParser(warnings::add);

  @Test
  void theOriginalFileWorksAsItIsWithEveryDefault() {
    Settings s = parser.parse(ORIGINAL);
    assertEquals("multiverse9_01JD7Q6W7C4X5S2Z3Y8K9M0N1P", s.name());
    assertEquals(7001, s.addr().port());
    assertEquals(s.addr(), s.advertisedAddr());
    assertEquals("127.0.0.1:7002", s.nodes().get(0).toString());
    assertNull(s.nodes().get(0).token());
    assertTrue(s.trustLoopback());
    assertNull(s.authToken());
    assertEquals("mv9:", s.keyPrefix());
    assertEquals("data", s.dataDir());
    assertEquals(Limits.defaults(), s.limits());
    assertEquals(Runtime.getRuntime().availableProcessors(), s.verticles().node());
    assertEquals(Runtime.getRuntime().availableProcessors(), s.verticles().storage());
    assertEquals(Runtime.getRuntime().availableProcessors(), s.verticles().peer());
    assertEquals(2000, s.configScanMs());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"name", "redis_uri", "perms", "addr", "nodes"})
  void aMissingRequiredFieldIsNamed(String field) {
    JsonObject json = new JsonObject(ORIGINAL);
    json.remove(field);
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(json));
    assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void versionIsOptionalAndDefaultsToTheSoftwaresVersion() {
    JsonObject json = new JsonObject(ORIGINAL);
    json.remove("version");
    Settings settings = parser.parse(json);
    assertEquals(SoftwareVersion.get(), settings.version());
    assertTrue(settings.version().matches("\\d+\\.\\d+\\.\\d+.*"), settings.version());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "addr|\"nohost\"|addr",
    "addr|\"127.0.0.1:70000\"|addr",
    "trust_loopback|\"yes\"|trust_loopback",
    "redis_uri|\"http://x\"|redis_uri",
    "limits|{\"max_frame_bytes\": 0}|limits.max_frame_bytes",
    "limits|{\"max_targets\": \"x\"}|limits.max_targets",
    "nodes|[\"127.0.0.1\"]|nodes[0]",
    "perms|{\"open_metadata\": true}|perms.open_interactions"})
  void aBadValueIsNamed(String field, String value, String named) {
    JsonObject json = new JsonObject(ORIGINAL).put(field, new JsonObject("{\"v\":" + value + "}").getValue("v"));
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(json));
    assertTrue(e.getMessage().startsWith(named + ": "), e.getMessage());
  }

  @Test
  void unknownFieldsAreWarnedAboutNotFatal() {
    JsonObject json = new JsonObject(ORIGINAL).put("colour", "blue")
      .put("limits", new JsonObject().put("max_speed", 1));
    parser.parse(json);
    assertEquals(List.of("unknown setting colour is ignored", "unknown setting limits.max_speed is ignored"), warnings);
  }

  @Test
  void tokensPortZeroAndIpv6() {
    JsonObject json = new JsonObject(ORIGINAL).put("addr", "[::1]:0")
      .put("nodes", new io.vertx.core.json.JsonArray().add(new JsonObject().put("addr", "10.0.0.2:7001").put("token", "t")));
    Settings s = parser.parse(json);
    assertEquals(0, s.addr().port());
    assertEquals("::1", s.addr().host());
    assertEquals("[::1]:0", s.addr().toString());
    assertEquals("t", s.nodes().get(0).token());
  }

  @Test
  void aPasswordIsNeverShownInAnError() {
    JsonObject json = new JsonObject(ORIGINAL).put("redis_uri", "http://user:hunter2@host");
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(json));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertEquals("redis://:***@127.0.0.1:6379", RedisUris.redact("redis://:secret@127.0.0.1:6379"));
  }

  // --- SPEC 3: a token never reaches a log, not even inside a parse error ---

  static Stream<Arguments> textsWithAToken() {
    return Stream.of(
      // an auth.token without quotes: reported where it starts
      Arguments.of("{\n  \"name\": \"n\",\n  \"auth\": {\"token\": s3cr3t}\n}", "line 3 column 21"),
      // a nodes entry's token without quotes
      Arguments.of("{\"nodes\": [\n  {\"addr\": \"10.0.0.2:7001\", \"token\": s3cr3t-2}]}", "line 2 column 38"),
      // a token whose closing quote is missing: the text ends inside it
      Arguments.of("{\"auth\": {\"token\": \"s3cr3t", "line 1 column 27"),
      // in single quotes
      Arguments.of("{\"auth\": {\"token\": 's3cr3t'}}", "line 1 column 20"),
      // where a field name belongs, and after the end
      Arguments.of("{\"auth\": {} s3cr3t}", "line 1 column 13"),
      Arguments.of("{\"auth\": {}} s3cr3t", "line 1 column 14"));
  }

  @ParameterizedTest
  @MethodSource("textsWithAToken")
  void aSyntaxErrorNamesLineAndColumnNeverTheText(String text, String where) {
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(text));
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertFalse(e.getMessage().contains("Unrecognized") || e.getMessage().contains("jackson")
      || e.getMessage().contains("Exception") || e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().startsWith("settings " + where + ": "), e.getMessage());
  }

  @Test
  void aSyntaxErrorSaysWhatWasExpected() {
    assertEquals("settings line 3 column 21: unexpected character; expected a JSON value (a quoted string, number, "
      + "true, false, null, object or array)", assertThrows(SettingsException.class,
        () -> parser.parse("{\n  \"name\": \"n\",\n  \"auth\": {\"token\": s3cr3t}\n}")).getMessage());
    assertEquals("settings line 1 column 9: unexpected character; expected a comma and a quoted field name, or }",
      assertThrows(SettingsException.class, () -> parser.parse("{\"a\": 1 \"b\": 2}")).getMessage());
    assertEquals("settings: expected one JSON object {...} of settings, found a list [...]",
      assertThrows(SettingsException.class, () -> parser.parse("[1]")).getMessage());
    assertEquals("settings is empty; expected one JSON object {...} of settings",
      assertThrows(SettingsException.class, () -> parser.parse(" \n")).getMessage());
  }

  @Test
  void aByteOrderMarkIsSkippedAndCommentsAreAllowedAsBefore() {
    assertEquals(7001, parser.parse("\uFEFF" + ORIGINAL).addr().port());
    assertEquals(7001, parser.parse("// the seed's file\n" + ORIGINAL).addr().port());
  }

  // --- SPEC 4: a near miss of a known field stops the node naming it; other unknown fields are warnings ---

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "trust_lopback|false|trust_lopback: unknown setting; did you mean trust_loopback?",
    "trustLoopback|false|trustLoopback: unknown setting; did you mean trust_loopback?",
    "TRUST_LOOPBACK|false|TRUST_LOOPBACK: unknown setting; did you mean trust_loopback?",
    "perms|{\"open_metadata\": false, \"open_interaction\": true}|"
      + "perms.open_interaction: unknown setting; did you mean perms.open_interactions?",
    "limits|{\"max_pipline\": 4}|limits.max_pipline: unknown setting; did you mean limits.max_pipeline?",
    "limits|{\"max_pednig_bytes\": 4}|limits.max_pednig_bytes: unknown setting; did you mean "
      + "limits.max_pending_bytes?",
    "auth|{\"tokn\": \"s\"}|auth.tokn: unknown setting; did you mean auth.token?",
    "nodes|[{\"addr\": \"10.0.0.2:7001\", \"tokens\": \"s\"}]|nodes[0].tokens: unknown setting; did you mean "
      + "nodes[0].token?",
    "shutdown_grace|3|shutdown_grace: unknown setting; did you mean shutdown_grace_s?",
    "metrics|{\"adr\": \"127.0.0.1:9100\"}|metrics.adr: unknown setting; did you mean metrics.addr?"})
  void aNearMissOfAKnownFieldStopsTheNodeNamingIt(String field, String value, String message) {
    JsonObject json = new JsonObject(ORIGINAL).put(field, new JsonObject("{\"v\":" + value + "}").getValue("v"));
    if (field.equals("perms")) {
      json.getJsonObject("perms").put("open_interactions", false);
    }
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(json));
    assertEquals(message, e.getMessage());
  }

  @Test
  void everyKnownFieldIsAcceptedWithoutWarning() {
    JsonObject json = new JsonObject(ORIGINAL)
      .put("advertised_addr", "127.0.0.1:7001").put("trust_loopback", false)
      .put("auth", new JsonObject().put("token", "t")).put("key_prefix", "p:").put("data_dir", "d")
      .put("limits", new JsonObject().put("max_frame_bytes", 1).put("max_targets", 1).put("max_connections", 1)
        .put("idle_timeout_s", 1).put("peer_timeout_ms", 1).put("max_pipeline", 1).put("storage_timeout_ms", 1)
        .put("max_pending_bytes", 1).put("max_buffered_bytes", 1).put("max_answer_bytes", 1)
        .put("max_stranger_frame_bytes", 1))
      .put("verticles", new JsonObject().put("node", 1).put("storage", 1).put("peer", 1))
      .put("metrics", new JsonObject().put("addr", "127.0.0.1:0").put("idle_timeout_s", 5).put("max_connections", 8))
      .put("config_scan_ms", 100).put("redis", new JsonObject().put("type", "standalone"))
      .put("roles", new io.vertx.core.json.JsonArray().add("node").add("storage").add("peer"))
      .put("shutdown_grace_s", 1)
      .put("durability", new JsonObject().put("replicas", 0).put("timeout_ms", 1))
      .put("nodes", new io.vertx.core.json.JsonArray().add(new JsonObject().put("addr", "10.0.0.2:1").put("token", "t")));
    assertEquals(new MetricsLimits(5, 8), parser.parse(json).metricsLimits());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void theMetricsListenerIsBoundedByDefault() {
    assertEquals(new MetricsLimits(30, 64), parser.parse(ORIGINAL).metricsLimits());
  }

  @ParameterizedTest
  @ValueSource(strings = {"colour", "comment", "_comment", "description", "owner"})
  void anUnknownFieldThatResemblesNoneIsOnlyAWarning(String field) {
    parser.parse(new JsonObject(ORIGINAL).put(field, "x"));
    assertEquals(List.of("unknown setting " + field + " is ignored"), warnings);
  }

  // --- SPEC 2.1: durability ---

  @Test
  void durabilityWaitsForNoReplicaByDefault() {
    assertEquals(new Durability(0, 1000), parser.parse(ORIGINAL).durability());
    JsonObject json = new JsonObject(ORIGINAL)
      .put("durability", new JsonObject().put("replicas", 2).put("timeout_ms", 500));
    assertEquals(new Durability(2, 500), parser.parse(json).durability());
    json.put("redis", new JsonObject().put("type", "sentinel"));
    assertEquals(new Durability(2, 500), parser.parse(json).durability());
  }

  static Stream<Arguments> durabilityThatCannotBeConfirmed() {
    return Stream.of(
      Arguments.of(new JsonObject().put("redis", new JsonObject().put("type", "cluster")),
        "durability.replicas: cannot be confirmed on a Redis Cluster connection (WAIT would not reach the master "
          + "that took the write): use redis.type sentinel or standalone, or set durability.replicas to 0"),
      Arguments.of(new JsonObject().put("redis_uri", "embedded"),
        "durability.replicas: the embedded Redis has no replicas: point redis_uri or redis.type sentinel at a Redis "
          + "with replicas, or set durability.replicas to 0"),
      Arguments.of(new JsonObject().put("durability", new JsonObject().put("replicas", 1).put("timeout_ms", 3000)),
        "durability.timeout_ms: must be below limits.storage_timeout_ms (3000), got 3000"),
      Arguments.of(new JsonObject().put("durability", new JsonObject().put("replicas", -1)),
        "durability.replicas: must be between 0 and 100, got -1"),
      Arguments.of(new JsonObject().put("durability", new JsonObject().put("replicas", 1).put("timeout_ms", 0)),
        "durability.timeout_ms: must be between 1 and 2147483647, got 0"));
  }

  @ParameterizedTest
  @MethodSource("durabilityThatCannotBeConfirmed")
  void durabilityThatCannotBeConfirmedStopsTheStartInOneLine(JsonObject change, String message) {
    JsonObject json = new JsonObject(ORIGINAL).put("durability", new JsonObject().put("replicas", 1));
    json.mergeIn(change);
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(json));
    assertEquals(message, e.getMessage());
  }

  // --- start-up edge cases: a bound on verticles ---

  @ParameterizedTest
  @ValueSource(strings = {"node", "storage", "peer"})
  void verticleCountsAreBounded(String kind) {
    JsonObject json = new JsonObject(ORIGINAL).put("verticles", new JsonObject().put(kind, 100_000));
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(json));
    assertEquals("verticles." + kind + ": must be between 1 and " + Verticles.MAX_INSTANCES + ", got 100000",
      e.getMessage());
    Verticles most = parser.parse(json.put("verticles", new JsonObject().put(kind, Verticles.MAX_INSTANCES)))
      .verticles();
    assertEquals(Verticles.MAX_INSTANCES, Math.max(most.node(), Math.max(most.storage(), most.peer())));
  }

  // --- SPEC 3: nodes entries are compared as addresses ---

  @Test
  void literalIpsAreReadOnceAndHostNamesAreNeverLookedUp() throws Exception {
    JsonObject json = new JsonObject(ORIGINAL).put("nodes", new io.vertx.core.json.JsonArray()
      .add("[::1]:7002").add("[0:0:0:0:0:0:0:1]:7003").add("[::ffff:10.0.0.2]:7004")
      .add(new JsonObject().put("addr", "peer.invalid:7005").put("token", "t")));
    List<PeerEntry> nodes = parser.parse(json).nodes();
    assertEquals(java.net.InetAddress.getByName("::1"), nodes.get(0).ip());
    assertEquals(nodes.get(0).ip(), nodes.get(1).ip());
    assertEquals(java.net.InetAddress.getByName("10.0.0.2"), nodes.get(2).ip());
    assertNull(nodes.get(3).ip(), "a name is not resolved");
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void aHostNameEntryWithoutTokenIsWarnedAbout() {
    parser.parse(new JsonObject(ORIGINAL).put("nodes", new io.vertx.core.json.JsonArray().add("peer.invalid:7002")));
    assertEquals(List.of("nodes[0]: peer.invalid is a host name, which is not looked up to acknowledge connections: "
      + "connections from that peer are acknowledged only after AUTH with auth.token; write its IP to acknowledge it "
      + "by address"), warnings);
  }

  @Test
  void neitherTheTokenNorItsDigestIsInTheSettingsText() {
    Settings s = parser.parse(new JsonObject(ORIGINAL).put("auth", new JsonObject().put("token", "s3cr3t"))
      .put("nodes", new io.vertx.core.json.JsonArray().add(new JsonObject().put("addr", "10.0.0.2:1")
        .put("token", "s3cr3t-2"))));
    assertFalse(s.toString().contains("s3cr3t"), s.toString());
    assertTrue(s.authTokenDigest().matches("s3cr3t"));
    assertFalse(s.authTokenDigest().matches("s3cr3t-2"));
  }
}
