package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keys as the bytes they travel as, from a request's payload to Redis ({@code key_prefix} + these bytes) and into a
 * peer's AGGREGATE frame: key {@code i} is the {@link Keys#LENGTH} bytes of {@link #array()} from
 * {@link #offset(int)}, a ULID in upper case. The array is usually the copy of the payload that its targets were
 * parsed in ({@link Segments#array()}), where each key was normalised in place: no string and no array of its own
 * is made for a key until it reaches Redis, which wants one array per argument. So a held AGGREGATE of 4,096 keys
 * holds their bytes once (docs/DESIGN.md, "How a request travels").
 *
 * <p>Shares its arrays with whoever made it, who changes them no more; immutable from then on. Equal when the keys
 * are, in order.
 */
public final class KeyBytes {

  private static final KeyBytes NONE = new KeyBytes(new byte[0], null, 0);

  private final byte[] bytes;
  /** Where each key starts, or {@code null} when they are back to back from 0 ({@link #packed}). */
  private final int[] offsets;
  private final int size;

  private KeyBytes(byte[] bytes, int[] offsets, int size) {
    this.bytes = bytes;
    this.offsets = offsets;
    this.size = size;
  }

  /**
   * The keys at {@code offsets[0, size)} of {@code bytes}, each already a ULID in upper case
   * ({@link Keys#normalizeInPlace}). Neither array is copied.
   */
  public static KeyBytes at(byte[] bytes, int[] offsets, int size) {
    return new KeyBytes(bytes, offsets, size);
  }

  /**
   * Keys back to back, as {@link #appendTo} writes them.
   *
   * @throws IllegalArgumentException when the length is no whole number of keys
   */
  public static KeyBytes packed(byte[] bytes) {
    if (bytes.length % Keys.LENGTH != 0) {
      throw new IllegalArgumentException(bytes.length + " bytes are no whole number of " + Keys.LENGTH
        + "-byte keys");
    }
    return bytes.length == 0 ? NONE : new KeyBytes(bytes, null, bytes.length / Keys.LENGTH);
  }

  /**
   * The keys of {@code keys}, normalised: for callers that have them as text (tests, tools).
   *
   * @throws IllegalArgumentException naming the first that is no ULID
   */
  public static KeyBytes of(List<String> keys) {
    byte[] bytes = new byte[keys.size() * Keys.LENGTH];
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      if (key.length() == Keys.LENGTH) {
        Keys.copy(key, bytes, i * Keys.LENGTH);
      }
      if (key.length() != Keys.LENGTH || !Keys.normalizeInPlace(bytes, i * Keys.LENGTH, (i + 1) * Keys.LENGTH)) {
        throw new IllegalArgumentException("not a ULID key: " + Keys.quote(key));
      }
    }
    return packed(bytes);
  }

  /** {@link #of(List)} of {@code keys}. */
  public static KeyBytes of(String... keys) {
    return of(List.of(keys));
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The array the keys are in: read, never written. */
  public byte[] array() {
    return bytes;
  }

  /** Where key {@code i} starts in {@link #array()}. */
  public int offset(int i) {
    return offsets == null ? i * Keys.LENGTH : offsets[i];
  }

  /** Copies key {@code i} into {@code into} from {@code at}. */
  public void copy(int i, byte[] into, int at) {
    System.arraycopy(bytes, offset(i), into, at, Keys.LENGTH);
  }

  /** Whether key {@code i} is the {@link Keys#LENGTH} bytes of {@code other} from {@code from}. */
  public boolean matches(int i, byte[] other, int from) {
    int at = offset(i);
    return Arrays.equals(bytes, at, at + Keys.LENGTH, other, from, from + Keys.LENGTH);
  }

  /** The bytes of {@link #packed}: {@link #size()} times {@link Keys#LENGTH}. */
  public int packedLength() {
    return size * Keys.LENGTH;
  }

  /** Appends the keys back to back, as {@link #packed} reads them. */
  public Buffer appendTo(Buffer out) {
    if (offsets == null) {
      return out.appendBytes(bytes, 0, packedLength());
    }
    for (int i = 0; i < size; i++) {
      out.appendBytes(bytes, offsets[i], Keys.LENGTH);
    }
    return out;
  }

  /** Key {@code i} as text: for messages, never on the way to Redis or a peer. */
  public String key(int i) {
    return new String(bytes, offset(i), Keys.LENGTH, StandardCharsets.ISO_8859_1);
  }

  /** The keys as text: for messages and tests. */
  public List<String> toList() {
    List<String> keys = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      keys.add(key(i));
    }
    return keys;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KeyBytes other) || other.size != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (!other.matches(i, bytes, offset(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = size;
    for (int i = 0; i < size; i++) {
      int at = offset(i);
      for (int b = at; b < at + Keys.LENGTH; b++) {
        hash = 31 * hash + bytes[b];
      }
    }
    return hash;
  }

  @Override
  public String toString() {
    return toList().toString();
  }
}
