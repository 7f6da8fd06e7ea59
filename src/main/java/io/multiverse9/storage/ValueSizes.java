package io.multiverse9.storage;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upper bound on the length of every value stored under one key prefix, kept so that an AGGREGATE can be read
 * with one {@code MGET} only when its values cannot come to more than it may hold (SPEC 1.6): without one, the
 * node learns a value's size only once Redis has sent it whole.
 *
 * <p>The bound is a size class, a power of two: class {@code c} holds values of up to {@code 2^c} bytes. Redis
 * keeps the classes ever stored in a set at {@code key_prefix + "!value-sizes"} (no key is a ULID with a
 * {@code !}), added to in the same pipeline as, and before, the {@code SET} of the first value of a larger class,
 * so a value is never readable before its class is recorded. A class is never taken back when its values are
 * removed: the bound only errs on the safe side. Storage verticles of one JVM share one bound per prefix; those of
 * other JVMs on the same Redis learn a new class within a second ({@link StorageCommands#refreshSizes}).
 */
final class ValueSizes {

  /** Nothing stored yet. */
  static final int NONE = -1;

  private static final ConcurrentHashMap<String, ValueSizes> SHARED = new ConcurrentHashMap<>();

  /** The largest class stored or being stored: read from Redis, or raised here since. */
  private final AtomicInteger largest = new AtomicInteger(NONE);
  /** The largest class Redis is known to hold in its set. */
  private final AtomicInteger recorded = new AtomicInteger(NONE);
  /** Whether Redis has been read once: until then nothing is known of values stored before. */
  private volatile boolean known;

  /** The bound shared by the storage verticles of this JVM on one Redis and key prefix. */
  static ValueSizes of(String redisAndPrefix) {
    return SHARED.computeIfAbsent(redisAndPrefix, s -> new ValueSizes());
  }

  /** The class whose bound {@code 2^c} is the least power of two at or above {@code length} (at least 1). */
  static int classOf(long length) {
    return length <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(length - 1);
  }

  /** Whether {@code count} values of this prefix cannot add up to more than {@code maxBytes}. */
  boolean fit(int count, long maxBytes) {
    if (!known) {
      return false;
    }
    int c = largest.get();
    return c == NONE || count <= maxBytes >> c;
  }

  /** A value of class {@code c} is about to be stored: the bound covers it from now on. */
  void raise(int c) {
    // read first: every CREATE comes here, from the storage verticles of all event loops, and a value of a class
    // already known (nearly all of them) must not make them contend for the same cache line with a write
    if (largest.get() < c) {
      largest.accumulateAndGet(c, Math::max);
    }
  }

  /** Whether Redis already holds {@code c} or a larger class, so that a value of class {@code c} needs no record. */
  boolean isRecorded(int c) {
    return known && recorded.get() >= c;
  }

  /** Redis holds class {@code c} now. */
  void recorded(int c) {
    recorded.accumulateAndGet(c, Math::max);
  }

  /** The largest class Redis holds (or {@link #NONE}). */
  void learned(int fromRedis) {
    recorded(fromRedis);
    raise(fromRedis);
    known = true;
  }
}
