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
   * {@code key_prefix + key}, built directly: a concatenated String would be built and then encoded again, a
   * hundred times per AGGREGATE of a hundred keys. Keys are ULIDs, so ASCII: each char's low byte is the key's
   * byte, and {@code String.getBytes(int, int, byte[], int)} copies exactly those, in one copy of the string's
   * own bytes where a loop over its chars was a measurable part of a large AGGREGATE (docs/BENCHMARKS.md).
   */
  @SuppressWarnings("deprecation")
  byte[] of(String key) {
    byte[] bytes = Arrays.copyOf(prefix, prefix.length + key.length());
    key.getBytes(0, key.length(), bytes, prefix.length);
    return bytes;
  }
}
