package io.multiverse9.config;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Settings a container operator sets from the environment, applied over the file: {@code MV9_NAME},
 * {@code MV9_REDIS_URI}, {@code MV9_ADDR}, {@code MV9_ADVERTISED_ADDR}, {@code MV9_DATA_DIR},
 * {@code MV9_KEY_PREFIX}, {@code MV9_AUTH_TOKEN}, {@code MV9_METRICS_ADDR}.
 */
public final class EnvOverrides {

  private static final Map<String, String> TOP = Map.of(
    "MV9_NAME", "name",
    "MV9_REDIS_URI", "redis_uri",
    "MV9_ADDR", "addr",
    "MV9_ADVERTISED_ADDR", "advertised_addr",
    "MV9_DATA_DIR", "data_dir",
    "MV9_KEY_PREFIX", "key_prefix");

  private EnvOverrides() {
  }

  /** A copy of {@code settings} with the overrides found in {@code env}. */
  public static JsonObject apply(JsonObject settings, Map<String, String> env) {
    JsonObject result = settings.copy();
    TOP.forEach((variable, field) -> {
      String value = env.get(variable);
      if (value != null && !value.isEmpty()) {
        result.put(field, value);
      }
    });
    nested(result, env.get("MV9_AUTH_TOKEN"), "auth", "token");
    nested(result, env.get("MV9_METRICS_ADDR"), "metrics", "addr");
    return result;
  }

  private static void nested(JsonObject json, String value, String object, String field) {
    if (value != null && !value.isEmpty()) {
      Object existing = json.getValue(object);
      JsonObject target = existing instanceof JsonObject o ? o.copy() : new JsonObject();
      json.put(object, target.put(field, value));
    }
  }
}
