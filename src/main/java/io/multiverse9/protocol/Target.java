package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * One AGGREGATE target (SPEC 1.3): {@code KEY} or {@code KEY@host:port}.
 *
 * @param raw the target exactly as the client sent it, echoed in its entry
 * @param key the normalised key, or {@code null} when the target is invalid
 * @param address the node it lives on, or {@code null} for a bare key
 * @param error why the target is invalid, or {@code null}
 * @param place where its address is in the {@link TargetParser}'s table of this AGGREGATE's addresses, or -1 (a
 *     bare key, or an address past those the table holds): the one table by which the addresses are told apart
 */
public record Target(Buffer raw, String key, Address address, String error, int place) {

  public Target(Buffer raw, String key, Address address, String error) {
    this(raw, key, address, error, -1);
  }

  public boolean isValid() {
    return error == null;
  }

  public boolean isRemote() {
    return address != null;
  }

  public String text() {
    return raw.toString(StandardCharsets.UTF_8);
  }

  public static Target parse(Buffer raw) {
    byte[] bytes = raw.getBytes();
    return parse(bytes, 0, bytes.length, raw, null);
  }

  /**
   * The target in {@code bytes[from, to)}, whose bytes {@code raw} holds; an address {@code parser} has seen in
   * this AGGREGATE is not parsed again.
   */
  static Target parse(byte[] bytes, int from, int to, Buffer raw, TargetParser parser) {
    // parsed from the bytes: no string is made of the target, only of the key (and of an address if any)
    if (to - from == Keys.LENGTH) {
      // a bare key, as most targets are: whole, it is a ULID or has no ULID before any '@', so no scan for one
      String key = Keys.normalize(bytes, from, to);
      if (key != null) {
        return new Target(raw, key, null, null);
      }
    }
    int at = ByteScan.indexOf(bytes, from, to, (byte) '@');
    int keyEnd = at < 0 ? to : at;
    String key = Keys.normalize(bytes, from, keyEnd);
    if (key == null) {
      String keyText = new String(bytes, from, keyEnd - from, StandardCharsets.ISO_8859_1);
      return new Target(raw, null, null, "the key " + Keys.quote(keyText) + " is not a ULID");
    }
    if (at < 0) {
      return new Target(raw, key, null, null);
    }
    int seen = parser == null ? -1 : parser.placeOf(bytes, at + 1, to);
    if (seen >= 0) {
      return new Target(raw, key, parser.address(seen), null, seen);
    }
    try {
      Address address = Address.parse(new String(bytes, at + 1, to - at - 1, StandardCharsets.ISO_8859_1), false);
      int place = parser == null ? -1 : parser.remember(bytes, at + 1, to, address);
      return new Target(raw, key, address, null, place);
    } catch (IllegalArgumentException e) {
      return new Target(raw, null, null, "malformed address: " + e.getMessage());
    }
  }
}
