package io.multiverse9.storage;

import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Keys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Where a value lives in Redis: {@code key_prefix + KEY}, as the bytes Redis gets. */
final class RedisKeys {

  private final byte[] prefix;
  private final String keyPrefix;

  RedisKeys(String keyPrefix) {
    this.prefix = keyPrefix.getBytes(StandardCharsets.UTF_8);
    this.keyPrefix = keyPrefix;
  }

  /** {@code key_prefix + key}: a CREATE's key, drawn as a string. */
  byte[] of(String key) {
    byte[] bytes = Arrays.copyOf(prefix, prefix.length + key.length());
    Keys.copy(key, bytes, prefix.length);
    return bytes;
  }

  /**
   * {@code key_prefix} + key {@code i} of {@code keys}, copied from where the request's payload holds it: the one
   * array made for the key on its way from the client to Redis (the Redis client wants one per argument).
   */
  byte[] of(KeyBytes keys, int i) {
    byte[] bytes = Arrays.copyOf(prefix, prefix.length + Keys.LENGTH);
    keys.copy(i, bytes, prefix.length);
    return bytes;
  }

  String prefix() {
    return keyPrefix;
  }
}
