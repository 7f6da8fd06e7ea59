package io.multiverse9.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvOverridesTest {

  @Test
  void environmentVariablesOverrideTheFile() {
    JsonObject file = new JsonObject().put("redis_uri", "embedded").put("addr", "127.0.0.1:7001")
      .put("auth", new JsonObject().put("token", "old"));
    JsonObject result = EnvOverrides.apply(file, Map.of("MV9_REDIS_URI", "redis://redis:6379",
      "MV9_ADDR", "0.0.0.0:7001", "MV9_AUTH_TOKEN", "new", "MV9_METRICS_ADDR", "0.0.0.0:9100", "MV9_ADDR_X", "y"));
    assertEquals("redis://redis:6379", result.getString("redis_uri"));
    assertEquals("0.0.0.0:7001", result.getString("addr"));
    assertEquals("new", result.getJsonObject("auth").getString("token"));
    assertEquals("0.0.0.0:9100", result.getJsonObject("metrics").getString("addr"));
    assertEquals("old", file.getJsonObject("auth").getString("token"), "the file's JSON is not changed");
  }

  @Test
  void emptyVariablesChangeNothing() {
    JsonObject file = new JsonObject().put("addr", "127.0.0.1:7001");
    assertEquals(file, EnvOverrides.apply(file, Map.of("MV9_ADDR", "")));
  }
}
