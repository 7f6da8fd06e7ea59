package io.multiverse9.service;

import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Keys;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The targets asked of one place (storage or a peer), with where their entries go. Past {@link #FEW} targets, a
 * key asked for more than once is fetched once and its value shared by its entries, so that repeating a key
 * cannot make the node fetch and hold its value many times over; up to {@code FEW}, repeats cost at most that
 * many copies, and looking for them would cost every small AGGREGATE a few percent.
 *
 * <p>A key is where the target parser left it, normalised, in the AGGREGATE's copy of its payload: the group holds
 * its offset, and hands storage or the peer the keys as {@link KeyBytes} over that same array. No string and no
 * array is made per key, which a held AGGREGATE of 4,096 keys would hold 4,096 of.
 *
 * <p>Repeats are found with an open-addressing table of indices into the keys rather than a
 * {@code HashMap<String, Integer>}: {@code String.hashCode} of each fresh key string cost more than the rest of
 * the lookup, and the map's nodes, boxed indices and lambdas cost most of the rest. The table's hash is seeded at
 * random per process, because the client chooses the keys: {@code String.hashCode} collisions are easy to craft
 * (e.g. "0P" and "11"), and with a predictable hash, linear probing over {@code limits.max_targets} crafted keys
 * would be quadratic.
 *
 * <p>Worst case, should the seed be known (or the hash have a weakness found without it): no add walks more than
 * {@link #MAX_PROBES} cells (int comparisons, and a comparison of the keys' bytes only when 32 bits of hash match
 * too) before the group gives up its table for a {@code HashMap} of comparable keys, which turns crafted
 * collisions into a tree. So an attacker gains at most {@code MAX_PROBES} steps per key on top of what a
 * {@code HashMap} costs.
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

  /** The array every key of the group is in: one AGGREGATE's copy of its payload ({@code Segments.array}). */
  private final byte[] bytes;
  /** Where each key asked starts in {@link #bytes}, in the order asked. */
  private int[] keyAt;
  private int keyCount;
  private int[] slots;
  private int[] keyOfSlot;
  private int size;
  private final int capacity;
  private final int maxProbes;

  private boolean deduplicating;
  /** 1 + an index into the keys; 0 is a free cell. Its length is a power of two, at least 4 times the keys. */
  private int[] cells;
  private int shift;
  private int[] hashOfKey;
  /** Instead of {@link #cells} once a probe went past {@code maxProbes}. */
  private Map<KeyAt, Integer> fallback;

  /** A group of keys in {@code bytes}, sized for {@code capacity} targets (it grows past them). */
  KeyGroup(byte[] bytes, int capacity) {
    this(bytes, capacity, MAX_PROBES);
  }

  /** A {@code maxProbes} lower than {@link #MAX_PROBES} lets tests make the group fall back with few keys. */
  KeyGroup(byte[] bytes, int capacity, int maxProbes) {
    this.bytes = bytes;
    this.capacity = Math.max(capacity, 1);
    this.maxProbes = maxProbes;
    keyAt = new int[this.capacity];
    slots = new int[this.capacity];
    keyOfSlot = new int[this.capacity];
  }

  /** The target of {@code slot} asks for the key at {@code at} in the group's array (a ULID in upper case). */
  void add(int at, int slot) {
    if (size == slots.length) {
      slots = Arrays.copyOf(slots, size * 2);
      keyOfSlot = Arrays.copyOf(keyOfSlot, size * 2);
    }
    if (size == FEW) {
      deduplicate();
    }
    int k;
    if (!deduplicating) {
      k = newKey(at);
    } else {
      k = indexOf(at);
    }
    slots[size] = slot;
    keyOfSlot[size++] = k;
  }

  /**
   * The keys to ask, each once past {@link #FEW} targets: a view of the group's arrays, so taken once every target
   * was added.
   */
  KeyBytes keys() {
    return KeyBytes.at(bytes, keyAt, keyCount);
  }

  int size() {
    return size;
  }

  int slot(int j) {
    return slots[j];
  }

  /** Where in {@link #keys()} (and in the answer for them) the key of target {@code j} is. */
  int key(int j) {
    return keyOfSlot[j];
  }

  /** Whether crafted (or very unlucky) keys made the group give up its table. */
  boolean fellBack() {
    return fallback != null;
  }

  private int newKey(int at) {
    if (keyCount == keyAt.length) {
      keyAt = Arrays.copyOf(keyAt, keyCount * 2);
    }
    keyAt[keyCount] = at;
    return keyCount++;
  }

  /** From here on, each key is asked for once: the keys so far are folded, and the table finds repeats. */
  private void deduplicate() {
    deduplicating = true;
    int[] asked = Arrays.copyOf(keyAt, keyCount);
    keyCount = 0;
    int length = Integer.highestOneBit(Math.max(FEW * 2, capacity) * 4 - 1) << 1;
    cells = new int[length];
    shift = Integer.numberOfLeadingZeros(length - 1);
    hashOfKey = new int[Math.max(FEW, capacity)];
    for (int j = 0; j < size; j++) {
      keyOfSlot[j] = indexOf(asked[keyOfSlot[j]]);
    }
  }

  /** The index among the keys of the key at {@code at}, where it is added if new. */
  private int indexOf(int at) {
    if (fallback != null) {
      return fallbackIndexOf(at);
    }
    int hash = hash(bytes, at);
    int mask = cells.length - 1;
    int i = hash >>> shift;
    for (int probes = 0; probes <= maxProbes; probes++) {
      int cell = cells[i];
      if (cell == 0) {
        int k = newKey(at);
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
      if (hashOfKey[cell - 1] == hash && sameKey(keyAt[cell - 1], at)) {
        return cell - 1;
      }
      i = (i + 1) & mask;
    }
    fallBack();
    return fallbackIndexOf(at);
  }

  private boolean sameKey(int a, int b) {
    return Arrays.equals(bytes, a, a + Keys.LENGTH, bytes, b, b + Keys.LENGTH);
  }

  /** Only a group whose targets were not counted in advance (a peer's) grows. */
  private void grow() {
    cells = new int[cells.length * 2];
    shift--;
    int mask = cells.length - 1;
    for (int k = 0; k < keyCount; k++) {
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
    for (int k = 0; k < keyCount; k++) {
      fallback.put(new KeyAt(bytes, keyAt[k]), k);
    }
  }

  private int fallbackIndexOf(int at) {
    Integer known = fallback.putIfAbsent(new KeyAt(bytes, at), keyCount);
    if (known != null) {
      return known;
    }
    return newKey(at);
  }

  /**
   * A key of the fallback map. Comparable, so that the map turns keys of one {@code hashCode} into a tree rather
   * than a list; its hash is {@code String.hashCode}'s, which a client can make collide, and the tree is what
   * bounds the cost of that.
   */
  private record KeyAt(byte[] bytes, int at) implements Comparable<KeyAt> {

    @Override
    public boolean equals(Object o) {
      return o instanceof KeyAt other
        && Arrays.equals(bytes, at, at + Keys.LENGTH, other.bytes, other.at, other.at + Keys.LENGTH);
    }

    @Override
    public int hashCode() {
      int h = 0;
      for (int i = at; i < at + Keys.LENGTH; i++) {
        h = 31 * h + bytes[i];
      }
      return h;
    }

    @Override
    public int compareTo(KeyAt other) {
      return Arrays.compare(bytes, at, at + Keys.LENGTH, other.bytes, other.at, other.at + Keys.LENGTH);
    }
  }

  /**
   * A hash of the key at {@code at} that a client cannot predict: 64-bit words of its bytes, two at a time
   * multiplied into 128 bits with random seeds mixed in and folded (high half xor low half), each fold seeded by
   * the one before. The table's index is the high bits of the result: the low bits of a product depend only on the
   * low bits of its factors. Not proven universal: {@link #MAX_PROBES}, not the hash, is what bounds the worst case.
   * Read where the key is, eight bytes at a time: a ULID's 26 take two folds, the second over its last 16 bytes
   * (some hashed already), and no loop for a tail.
   */
  static int hash(byte[] bytes, int at) {
    long h = SEED_0 ^ Keys.LENGTH;
    h = fold(word(bytes, at) ^ SEED_1, word(bytes, at + 8) ^ h);
    h = fold(word(bytes, at + Keys.LENGTH - 16) ^ SEED_2, word(bytes, at + Keys.LENGTH - 8) ^ h);
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
}
