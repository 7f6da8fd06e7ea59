package io.multiverse9.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** SPEC 4: the original file as is, defaults, and one-line errors naming the field. */
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
    assertEquals(1, s.verticles().peer());
    assertEquals(2000, s.configScanMs());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"name", "redis_uri", "version", "perms", "addr", "nodes"})
  void aMissingRequiredFieldIsNamed(String field) {
    JsonObject json = new JsonObject(ORIGINAL);
    json.remove(field);
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(json));
    assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
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
}
