package io.multiverse9.jmh;

import io.multiverse9.service.KeyGroupAccess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Grouping the keys of one AGGREGATE for one place (past 16 targets, each distinct key once): the node's
 * {@code KeyGroup} against the {@code HashMap<String, Integer>} it replaced, on distinct ULIDs and on keys whose
 * {@code String.hashCode} all collide. The map is given its keys as fresh strings made from the bytes, as the
 * target parser made them then, so no hash is cached ({@link #strings} times that alone, to subtract); the group
 * takes them where they are in the bytes, as it does now.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GroupBenchmark {

  private static final byte[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".getBytes(StandardCharsets.ISO_8859_1);
  private static final int LENGTH = 26;

  @Param({"100", "4096"})
  int targets;

  /** random: ULIDs of one millisecond, as a client's recent keys; colliding: one String.hashCode for all. */
  @Param({"random", "colliding"})
  String keys;

  byte[] bytes;

  @Setup
  public void setup() {
    bytes = new byte[targets * LENGTH];
    SplittableRandom random = new SplittableRandom(9);
    for (int t = 0; t < targets; t++) {
      byte[] key = keys.equals("random") ? randomKey(random) : collidingKey(t);
      System.arraycopy(key, 0, bytes, t * LENGTH, LENGTH);
    }
  }

  static byte[] randomKey(SplittableRandom random) {
    byte[] key = Arrays.copyOf("01JD7Q6W7C".getBytes(StandardCharsets.ISO_8859_1), LENGTH);
    for (int i = 10; i < LENGTH; i++) {
      key[i] = CROCKFORD[random.nextInt(32)];
    }
    return key;
  }

  /**
   * The {@code n}th of 4096 keys with one {@code String.hashCode}: "0P" and "11" hash alike, so do any two strings
   * made of as many of them, in any order.
   */
  static byte[] collidingKey(int n) {
    StringBuilder key = new StringBuilder("0");
    for (int bit = 0; bit < 12; bit++) {
      key.append((n >>> bit & 1) == 0 ? "0P" : "11");
    }
    return key.append('Z').toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private String key(int t) {
    return new String(bytes, t * LENGTH, LENGTH, StandardCharsets.ISO_8859_1);
  }

  @Benchmark
  public int strings() {
    int sum = 0;
    for (int t = 0; t < targets; t++) {
      sum += key(t).length();
    }
    return sum;
  }

  @Benchmark
  public int hashMapGroup() {
    HashMapGroup group = new HashMapGroup(targets);
    for (int t = 0; t < targets; t++) {
      group.add(key(t), t);
    }
    return group.keys.size() + group.key(targets - 1);
  }

  @Benchmark
  public int keyGroup() {
    KeyGroupAccess group = new KeyGroupAccess(bytes, targets);
    for (int t = 0; t < targets; t++) {
      group.add(t * LENGTH, t);
    }
    return group.distinctKeys() + group.key(targets - 1);
  }

  /** Aggregation.Group as it was before KeyGroup, for comparison. */
  static final class HashMapGroup {
    private static final int FEW = 16;

    final List<String> keys;
    private Map<String, Integer> indexOfKey;
    private int[] slots;
    private int[] keyOfSlot;
    private int size;

    private final int capacity;

    HashMapGroup(int capacity) {
      this.capacity = capacity;
      keys = new ArrayList<>(capacity);
      slots = new int[capacity];
      keyOfSlot = new int[capacity];
    }

    void add(String key, int slot) {
      if (size == slots.length) {
        slots = Arrays.copyOf(slots, size * 2);
        keyOfSlot = Arrays.copyOf(keyOfSlot, size * 2);
      }
      if (size == FEW) {
        deduplicate();
      }
      int k;
      if (indexOfKey == null) {
        k = keys.size();
        keys.add(key);
      } else {
        k = indexOfKey.computeIfAbsent(key, absent -> {
          keys.add(absent);
          return keys.size() - 1;
        });
      }
      slots[size] = slot;
      keyOfSlot[size++] = k;
    }

    private void deduplicate() {
      List<String> asked = List.copyOf(keys);
      keys.clear();
      indexOfKey = new HashMap<>(Math.max(FEW * 4, capacity * 2));
      for (int j = 0; j < size; j++) {
        String key = asked.get(keyOfSlot[j]);
        keyOfSlot[j] = indexOfKey.computeIfAbsent(key, absent -> {
          keys.add(absent);
          return keys.size() - 1;
        });
      }
    }

    int key(int j) {
      return keyOfSlot[j];
    }
  }
}
