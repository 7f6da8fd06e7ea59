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
 */
public record Target(Buffer raw, String key, Address address, String error) {

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
    return parse(raw, null);
  }

  /** As {@link #parse(Buffer)}; an address {@code parser} has seen in this AGGREGATE is not parsed again. */
  static Target parse(Buffer raw, TargetParser parser) {
    // parsed from the bytes: no string is made of the target, only of the key (and of an address if any)
    byte[] bytes = raw.getBytes();
    int at = ByteScan.indexOf(bytes, 0, bytes.length, (byte) '@');
    int keyEnd = at < 0 ? bytes.length : at;
    String key = Keys.normalize(bytes, 0, keyEnd);
    if (key == null) {
      String keyText = new String(bytes, 0, keyEnd, StandardCharsets.ISO_8859_1);
      return new Target(raw, null, null, "the key " + Keys.quote(keyText) + " is not a ULID");
    }
    if (at < 0) {
      return new Target(raw, key, null, null);
    }
    Address seen = parser == null ? null : parser.seen(bytes, at);
    if (seen != null) {
      return new Target(raw, key, seen, null);
    }
    try {
      String address = new String(bytes, at + 1, bytes.length - at - 1, StandardCharsets.ISO_8859_1);
      Target target = new Target(raw, key, Address.parse(address, false), null);
      if (parser != null) {
        parser.remember(target);
      }
      return target;
    } catch (IllegalArgumentException e) {
      return new Target(raw, null, null, "malformed address: " + e.getMessage());
    }
  }
}
