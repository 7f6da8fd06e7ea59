package io.multiverse9.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Where a value lives in Redis: {@code key_prefix + KEY}, as the bytes Redis gets. */
final class RedisKeys {

  private final byte[] prefix;

  RedisKeys(String keyPrefix) {
    this.prefix = keyPrefix.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code key_prefix + key}, built directly: a concatenated String would be built and then encoded again, ten
   * times per AGGREGATE of ten keys. Keys are ULIDs, so ASCII.
   */
  byte[] of(String key) {
    byte[] bytes = Arrays.copyOf(prefix, prefix.length + key.length());
    for (int i = 0; i < key.length(); i++) {
      bytes[prefix.length + i] = (byte) key.charAt(i);
    }
    return bytes;
  }
}
