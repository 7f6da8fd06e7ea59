package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One AGGREGATE target (SPEC 1.3): {@code KEY} or {@code KEY@host:port}. Its key is not copied out of the array the
 * target was parsed in: it is normalised there, in place, and named by where it starts ({@link KeyBytes}). The
 * target as the client sent it is not kept either: its entry echoes it from the payload ({@link Segments#slice}).
 *
 * @param bytes the array the target was parsed in
 * @param keyAt where its key starts in {@code bytes}, a ULID in upper case, or -1 when the target is invalid
 * @param address the node it lives on, or {@code null} for a bare key
 * @param error why the target is invalid, or {@code null}
 * @param place where its address is in the {@link TargetParser}'s table of this AGGREGATE's addresses, or -1 (a
 *     bare key, or an address past those the table holds): the one table by which the addresses are told apart
 */
public record Target(byte[] bytes, int keyAt, Address address, String error, int place) {

  public Target(byte[] bytes, int keyAt, Address address, String error) {
    this(bytes, keyAt, address, error, -1);
  }

  private static Target invalid(String error) {
    return new Target(null, -1, null, error);
  }

  public boolean isValid() {
    return error == null;
  }

  public boolean isRemote() {
    return address != null;
  }

  /** The key as text, or {@code null} when the target is invalid: for messages and tests. */
  public String key() {
    return keyAt < 0 ? null : new String(bytes, keyAt, Keys.LENGTH, StandardCharsets.ISO_8859_1);
  }

  /** The target in {@code raw}, parsed from a copy of its bytes. */
  public static Target parse(Buffer raw) {
    byte[] bytes = raw.getBytes();
    return parse(bytes, 0, bytes.length, null);
  }

  /**
   * The target in {@code bytes[from, to)}, its key normalised there; an address {@code parser} has seen in this
   * AGGREGATE is not parsed again.
   */
  static Target parse(byte[] bytes, int from, int to, TargetParser parser) {
    // parsed from the bytes: no string is made of the target or its key, only of an address if any
    if (to - from == Keys.LENGTH && Keys.normalizeInPlace(bytes, from, to)) {
      // a bare key, as most targets are: whole, it is a ULID or has no ULID before any '@', so no scan for one
      return new Target(bytes, from, null, null);
    }
    int at = ByteScan.indexOf(bytes, from, to, (byte) '@');
    int keyEnd = at < 0 ? to : at;
    if (!Keys.normalizeInPlace(bytes, from, keyEnd)) {
      String keyText = new String(bytes, from, keyEnd - from, StandardCharsets.ISO_8859_1);
      return invalid("the key " + Keys.quote(keyText) + " is not a ULID");
    }
    if (at < 0) {
      return new Target(bytes, from, null, null);
    }
    int seen = parser == null ? -1 : parser.placeOf(bytes, at + 1, to);
    if (seen >= 0) {
      return new Target(bytes, from, parser.address(seen), null, seen);
    }
    try {
      Address address = Address.parse(new String(bytes, at + 1, to - at - 1, StandardCharsets.ISO_8859_1), false);
      int place = parser == null ? -1 : parser.remember(bytes, at + 1, to, address);
      return new Target(bytes, from, address, null, place);
    } catch (IllegalArgumentException e) {
      return invalid("malformed address: " + e.getMessage());
    }
  }

  /** Equal when they name the same key (wherever its bytes are), address and place, or fail alike. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Target other && Objects.equals(key(), other.key()) && Objects.equals(address, other.address)
      && Objects.equals(error, other.error) && place == other.place;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key(), address, error, place);
  }

  @Override
  public String toString() {
    return "Target[key=" + key() + ", address=" + address + ", error=" + error + ", place=" + place + "]";
  }
}
