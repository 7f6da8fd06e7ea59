package io.multiverse9.protocol;

import java.nio.charset.StandardCharsets;

/**
 * ULID keys (SPEC 1.2): 26 characters of Crockford base32 without {@code I L O U}, the first one {@code 0}-{@code 7}.
 * Keys are accepted in either case and normalised to upper case.
 */
public final class Keys {

  public static final int LENGTH = 26;

  /** For each byte value, its upper-case form when it is a ULID character, else 0. */
  private static final byte[] UPPER = new byte[256];

  static {
    for (char c : "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray()) {
      UPPER[c] = (byte) c;
      UPPER[Character.toLowerCase(c)] = (byte) c;
    }
  }

  private Keys() {
  }

  /**
   * Whether {@code bytes[from, to)} is a ULID; if it is, it is put in upper case where it is, so that the key is
   * read from there on as the bytes it travels as (to Redis, to a peer: {@link KeyBytes}) and no copy is made of it.
   * Bytes that are no ULID are left as they were.
   */
  public static boolean normalizeInPlace(byte[] bytes, int from, int to) {
    if (to - from != LENGTH || bytes[from] < '0' || bytes[from] > '7') {
      return false;
    }
    boolean lowerCase = false;
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      byte upper = UPPER[b & 0xFF];
      if (upper == 0) {
        return false;
      }
      lowerCase |= upper != b;
    }
    if (lowerCase) { // clients usually send them in upper case: nothing to write
      for (int i = from; i < to; i++) {
        bytes[i] = UPPER[bytes[i] & 0xFF];
      }
    }
    return true;
  }

  /**
   * Writes {@code key}'s bytes into {@code into} from {@code at}: for keys drawn as strings (a CREATE's), where the
   * keys of requests are bytes already ({@link KeyBytes}). A key is a ULID, so ASCII: each char's low byte is its
   * byte, and {@code String.getBytes(int, int, byte[], int)} copies exactly those, in one copy of the string's own
   * bytes, where a loop over its chars was measurably slower (docs/BENCHMARKS.md).
   */
  @SuppressWarnings("deprecation")
  public static void copy(String key, byte[] into, int at) {
    key.getBytes(0, key.length(), into, at);
  }

  /** The key in upper case, or {@code null} when it is not a ULID. */
  public static String normalize(String key) {
    // a character past Latin-1 becomes '?', which is no ULID character either
    byte[] bytes = key.getBytes(StandardCharsets.ISO_8859_1);
    return normalizeInPlace(bytes, 0, bytes.length) ? new String(bytes, StandardCharsets.ISO_8859_1) : null;
  }

  /** A short, printable form of untrusted input for error messages. */
  public static String quote(String s) {
    String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    StringBuilder b = new StringBuilder(shown.length() + 2).append('"');
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return b.append('"').toString();
  }
}
