package io.multiverse9.service;

import io.multiverse9.protocol.Keys;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets asked of one place (storage or a peer), with where their entries go. Past {@link #FEW} targets, a
 * key asked for more than once is fetched once and its value shared by its entries, so that repeating a key
 * cannot make the node fetch and hold its value many times over; up to {@code FEW}, repeats cost at most that
 * many copies, and looking for them would cost every small AGGREGATE a few percent.
 *
 * <p>Repeats are found with an open-addressing table of indices into {@link #keys} rather than a
 * {@code HashMap<String, Integer>}: the keys are fresh strings, so {@code String.hashCode} was computed for each,
 * and it cost more than the rest of the lookup; the map's nodes, boxed indices and lambdas cost most of the rest.
 * The table's hash is seeded at random per process, because the client chooses the keys:
 * {@code String.hashCode} collisions are easy to craft (e.g. "0P" and "11"), and with a predictable hash, linear
 * probing over {@code limits.max_targets} crafted keys would be quadratic.
 *
 * <p>Worst case, should the seed be known (or the hash have a weakness found without it): no add walks more than
 * {@link #MAX_PROBES} cells (int comparisons, and an {@code equals} only when 32 bits of hash match too) before the
 * group gives up its table for a {@code HashMap}, which turns crafted {@code String.hashCode} collisions into a
 * tree. So an attacker gains at most {@code MAX_PROBES} steps per key on top of what a {@code HashMap} costs.
 */
final class KeyGroup {

  static final int FEW = 16;

  /**
   * With at most a quarter of the cells used, the longest walk of 4096 random keys was 21 cells in 20000 groups,
   * and each cell more about halves its odds: only crafted keys fall back.
   */
  static final int MAX_PROBES = 32;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long SEED_0;
  private static final long SEED_1;
  private static final long SEED_2;

  static {
    SecureRandom random = new SecureRandom();
    SEED_0 = random.nextLong();
    SEED_1 = random.nextLong();
    SEED_2 = random.nextLong();
  }

  final List<String> keys;
  private int[] slots;
  private int[] keyOfSlot;
  private int size;
  private final int capacity;
  private final int maxProbes;
  /** Where a key's bytes are read for its hash. */
  private byte[] scratch = new byte[32];

  private boolean deduplicating;
  /** 1 + an index into {@link #keys}; 0 is a free cell. Its length is a power of two, at least 4 times the keys. */
  private int[] cells;
  private int shift;
  private int[] hashOfKey;
  /** Instead of {@link #cells} once a probe went past {@code maxProbes}. */
  private Map<String, Integer> fallback;

  KeyGroup(int capacity) {
    this(capacity, MAX_PROBES);
  }

  /** A {@code maxProbes} lower than {@link #MAX_PROBES} lets tests make the group fall back with few keys. */
  KeyGroup(int capacity, int maxProbes) {
    this.capacity = Math.max(capacity, 1);
    this.maxProbes = maxProbes;
    keys = new ArrayList<>(this.capacity);
    slots = new int[this.capacity];
    keyOfSlot = new int[this.capacity];
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
    if (!deduplicating) {
      k = keys.size();
      keys.add(key);
    } else {
      k = indexOf(key);
    }
    slots[size] = slot;
    keyOfSlot[size++] = k;
  }

  int size() {
    return size;
  }

  int slot(int j) {
    return slots[j];
  }

  /** Where in {@link #keys} (and in the answer for them) the key of target {@code j} is. */
  int key(int j) {
    return keyOfSlot[j];
  }

  /** Whether crafted (or very unlucky) keys made the group give up its table. */
  boolean fellBack() {
    return fallback != null;
  }

  /** From here on, each key is asked for once: the keys so far are folded, and the table finds repeats. */
  private void deduplicate() {
    deduplicating = true;
    String[] asked = keys.toArray(new String[0]);
    keys.clear();
    int length = Integer.highestOneBit(Math.max(FEW * 2, capacity) * 4 - 1) << 1;
    cells = new int[length];
    shift = Integer.numberOfLeadingZeros(length - 1);
    hashOfKey = new int[Math.max(FEW, capacity)];
    for (int j = 0; j < size; j++) {
      keyOfSlot[j] = indexOf(asked[keyOfSlot[j]]);
    }
  }

  /** The index of {@code key} in {@link #keys}, where it is added if new. */
  private int indexOf(String key) {
    if (fallback != null) {
      return fallbackIndexOf(key);
    }
    int hash = hashOf(key);
    int mask = cells.length - 1;
    int i = hash >>> shift;
    for (int probes = 0; probes <= maxProbes; probes++) {
      int cell = cells[i];
      if (cell == 0) {
        int k = keys.size();
        keys.add(key);
        if (k == hashOfKey.length) {
          hashOfKey = Arrays.copyOf(hashOfKey, k * 2);
        }
        hashOfKey[k] = hash;
        cells[i] = k + 1;
        if ((k + 1) * 4 > cells.length) {
          grow();
        }
        return k;
      }
      if (hashOfKey[cell - 1] == hash && keys.get(cell - 1).equals(key)) {
        return cell - 1;
      }
      i = (i + 1) & mask;
    }
    fallBack();
    return fallbackIndexOf(key);
  }

  /** Only a group whose targets were not counted in advance (a peer's) grows. */
  private void grow() {
    cells = new int[cells.length * 2];
    shift--;
    int mask = cells.length - 1;
    for (int k = 0; k < keys.size(); k++) {
      int i = hashOfKey[k] >>> shift;
      int probes = 0;
      while (cells[i] != 0) {
        if (++probes > maxProbes) {
          fallBack();
          return;
        }
        i = (i + 1) & mask;
      }
      cells[i] = k + 1;
    }
  }

  private void fallBack() {
    cells = null;
    hashOfKey = null;
    fallback = new HashMap<>(Math.max(FEW * 4, capacity * 2));
    for (int k = 0; k < keys.size(); k++) {
      fallback.put(keys.get(k), k);
    }
  }

  private int fallbackIndexOf(String key) {
    Integer known = fallback.putIfAbsent(key, keys.size());
    if (known != null) {
      return known;
    }
    keys.add(key);
    return keys.size() - 1;
  }

  /**
   * A hash of the key that a client cannot predict: 64-bit words of its bytes, two at a time multiplied into 128
   * bits with random seeds mixed in and folded (high half xor low half), each fold seeded by the one before. The
   * table's index is the high bits of the result: the low bits of a product depend only on the low bits of its
   * factors. Not proven universal: {@link #MAX_PROBES}, not the hash, is what bounds the worst case.
   */
  static int hash(String key) {
    return hash(key, new byte[key.length()]);
  }

  private int hashOf(String key) {
    if (key.length() > scratch.length) {
      scratch = new byte[key.length()];
    }
    return hash(key, scratch);
  }

  /**
   * The key's bytes are copied into {@code scratch} first (at least as long as the key) and read there eight at
   * a time: one copy of the string's own bytes costs less than reading its 26 chars one by one, which made this
   * hash as slow as {@code String.hashCode}. A char past Latin-1 gives its low byte, which only weakens the hash of
   * keys that are no ULIDs.
   */
  private static int hash(String key, byte[] scratch) {
    int n = key.length();
    Keys.copy(key, scratch, 0);
    long h = SEED_0 ^ n;
    int i = 0;
    for (; n - i > 16; i += 16) {
      h = fold(word(scratch, i) ^ SEED_1, word(scratch, i + 8) ^ h);
    }
    // the last 16 bytes, some of them hashed already: a ULID's 26 take 2 folds, and no loop for a tail
    if (n >= 16) {
      h = fold(word(scratch, n - 16) ^ SEED_2, word(scratch, n - 8) ^ h);
    } else if (n >= 8) {
      h = fold(word(scratch, 0) ^ SEED_2, word(scratch, n - 8) ^ h);
    } else {
      h = fold(tail(scratch, n) ^ SEED_2, h);
    }
    // without this, keys that differ only in their last chars (a client's consecutive ULIDs) now and then ran
    // 50 cells long in a simulation: one multiplication by a constant leaves such inputs too regular up top
    h ^= h >>> 32;
    return (int) (h * 0xff51afd7ed558ccdL >>> 32);
  }

  private static long fold(long a, long b) {
    return a * b ^ Math.multiplyHigh(a, b);
  }

  /** 8 bytes from {@code i}, the first in the lowest bits. */
  private static long word(byte[] bytes, int i) {
    return (long) LONGS.get(bytes, i);
  }

  /** A key of fewer than 8 bytes, as {@link #word} takes them. */
  private static long tail(byte[] bytes, int n) {
    long word = 0;
    for (int i = 0; i < n; i++) {
      word |= (long) (bytes[i] & 0xFF) << (i << 3);
    }
    return word;
  }
}
