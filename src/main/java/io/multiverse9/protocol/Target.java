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
    String text = raw.toString(StandardCharsets.ISO_8859_1);
    int at = text.indexOf('@');
    String keyText = at < 0 ? text : text.substring(0, at);
    String key = Keys.normalize(keyText);
    if (key == null) {
      return new Target(raw, null, null, "the key " + Keys.quote(keyText) + " is not a ULID");
    }
    if (at < 0) {
      return new Target(raw, key, null, null);
    }
    try {
      return new Target(raw, key, Address.parse(text.substring(at + 1), false), null);
    } catch (IllegalArgumentException e) {
      return new Target(raw, null, null, "malformed address: " + e.getMessage());
    }
  }
}
