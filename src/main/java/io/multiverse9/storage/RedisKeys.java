package io.multiverse9.storage;

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

  /**
   * {@code key_prefix + key}, built directly: a concatenated String would be built and then encoded again, a
   * hundred times per AGGREGATE of a hundred keys.
   */
  byte[] of(String key) {
    byte[] bytes = Arrays.copyOf(prefix, prefix.length + key.length());
    Keys.copy(key, bytes, prefix.length);
    return bytes;
  }

  String prefix() {
    return keyPrefix;
  }
}
