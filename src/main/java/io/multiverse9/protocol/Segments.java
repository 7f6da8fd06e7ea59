package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The items of a REMOVE or AGGREGATE payload: separated by one 0x00 byte, empty items ignored (SPEC 1.1). The
 * payload is copied into an array once and the items are read there by offset, so that parsing a target costs
 * no copy of its own. That array is also where the keys stay: each is normalised in place and handed on as an
 * offset into it ({@link KeyBytes}). A {@link Buffer} view of an item is made only when its entry is (an entry
 * echoes its target as sent, from the payload, which the normalising does not touch).
 */
public final class Segments {

  private final Buffer payload;
  private final byte[] bytes;
  /** Item {@code i} is {@code bytes[bounds[2i], bounds[2i + 1])}. */
  private final int[] bounds;
  private final int size;

  private Segments(Buffer payload, byte[] bytes, int[] bounds, int size) {
    this.payload = payload;
    this.bytes = bytes;
    this.bounds = bounds;
    this.size = size;
  }

  /**
   * @param max the most items accepted
   * @return the items, or {@code null} when there are more than {@code max}
   */
  public static Segments split(Buffer payload, int max) {
    // one copy to scan a plain array, a word at a time: a Buffer checks bounds on every getByte
    byte[] bytes = payload.getBytes();
    int[] bounds = new int[2 * Math.min(max, 16)];
    int size = 0;
    int start = 0;
    while (start <= bytes.length) {
      int end = ByteScan.indexOf(bytes, start, bytes.length, (byte) 0);
      if (end < 0) {
        end = bytes.length;
      }
      if (end > start) {
        if (size == max) {
          return null;
        }
        if (2 * size == bounds.length) {
          bounds = Arrays.copyOf(bounds, 2 * Math.min(max, 2 * size));
        }
        bounds[2 * size] = start;
        bounds[2 * size + 1] = end;
        size++;
      }
      start = end + 1;
    }
    return new Segments(payload, bytes, bounds, size);
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The length in bytes of item {@code i}. */
  public int length(int i) {
    return bounds[2 * i + 1] - bounds[2 * i];
  }

  /** Item {@code i} as a view of the payload: no copy. */
  public Buffer slice(int i) {
    return payload.slice(bounds[2 * i], bounds[2 * i + 1]);
  }

  /** Every item, as views of the payload. */
  public List<Buffer> slices() {
    List<Buffer> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      items.add(slice(i));
    }
    return items;
  }

  /** Item {@code i} as text: for messages. */
  public String text(int i) {
    return new String(bytes, bounds[2 * i], length(i), StandardCharsets.ISO_8859_1);
  }

  /** Whether item {@code i} holds {@code b}. */
  public boolean contains(int i, byte b) {
    return ByteScan.indexOf(bytes, bounds[2 * i], bounds[2 * i + 1], b) >= 0;
  }

  /**
   * Where item {@code i} starts in {@link #array()} when it is a ULID, which is then in upper case there
   * ({@link Keys#normalizeInPlace}); else -1.
   */
  public int keyAt(int i) {
    return Keys.normalizeInPlace(bytes, bounds[2 * i], bounds[2 * i + 1]) ? bounds[2 * i] : -1;
  }

  /**
   * The copy of the payload the items are read in, and where their keys are normalised in place: the array of the
   * {@link KeyBytes} made of them. Read, never written, by anyone else.
   */
  public byte[] array() {
    return bytes;
  }

  /** Item {@code i} parsed as an AGGREGATE target, from the payload's array. */
  Target target(int i, TargetParser parser) {
    return Target.parse(bytes, bounds[2 * i], bounds[2 * i + 1], parser);
  }

  /** The payload of a REMOVE or AGGREGATE request carrying {@code items}, UTF-8, separated by 0x00. */
  public static Buffer join(List<String> items) {
    return Buffer.buffer(String.join("\0", items), "UTF-8");
  }
}
