package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The word-at-a-time scans of AGGREGATE and REMOVE payloads agree with the plain byte-by-byte definitions they
 * replaced, on any bytes: the separators, the {@code @} of remote targets; and keys agree with SPEC 1.2.
 */
class ByteScanPropertiesTest {

  @Property(tries = 2000)
  void indexOfFindsTheFirstOccurrenceInRange(@ForAll("fewDistinctBytes") @Size(max = 80) byte[] bytes,
                                             @ForAll @IntRange(max = 80) int a, @ForAll @IntRange(max = 80) int b,
                                             @ForAll("fewDistinctBytes") @Size(min = 1, max = 1) byte[] value) {
    int from = Math.min(Math.min(a, b), bytes.length);
    int to = Math.min(Math.max(a, b), bytes.length);
    int expected = -1;
    for (int i = from; i < to; i++) {
      if (bytes[i] == value[0]) {
        expected = i;
        break;
      }
    }
    assertEquals(expected, ByteScan.indexOf(bytes, from, to, value[0]));
  }

  @Property(tries = 1000)
  void splitIsTheItemsBetweenZeroBytes(@ForAll("fewDistinctBytes") @Size(max = 120) byte[] payload) {
    List<String> expected = new ArrayList<>();
    for (String item : new String(payload, StandardCharsets.ISO_8859_1).split("\0")) {
      if (!item.isEmpty()) {
        expected.add(item);
      }
    }
    List<String> actual = Segments.split(Buffer.buffer(payload), 1000).slices().stream()
      .map(b -> b.toString(StandardCharsets.ISO_8859_1)).toList();
    assertEquals(expected, actual);
  }

  @Property(tries = 2000)
  void bytesAndTextAgreeOnWhatIsAKey(@ForAll("keyish") String text) {
    // SPEC 1.2 written as a pattern: Crockford base32 without I L O U, the first character 0-7, either case
    String expected = ULID.matcher(text).matches() ? text.toUpperCase(Locale.ROOT) : null;
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    // normalised where it is, between bytes it leaves alone; what is no key is left as it was
    byte[] inPayload = ("@\0" + text + "\0a").getBytes(StandardCharsets.ISO_8859_1);
    boolean isKey = Keys.normalizeInPlace(inPayload, 2, 2 + bytes.length);
    assertEquals(expected != null, isKey);
    assertEquals("@\0" + (isKey ? expected : new String(bytes, StandardCharsets.ISO_8859_1)) + "\0a",
      new String(inPayload, StandardCharsets.ISO_8859_1));
    assertEquals(expected, Keys.normalize(text));
  }

  private static final Pattern ULID = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}", Pattern.CASE_INSENSITIVE);

  /** Bytes where zeros, '@' and high bytes are common, so that matches fall at every offset of a word. */
  @Provide
  Arbitrary<byte[]> fewDistinctBytes() {
    return Arbitraries.of((byte) 0, (byte) '@', (byte) 'a', (byte) 0x80, (byte) 0xFF, (byte) 1)
      .array(byte[].class);
  }

  /** Keys in either case, keys with one stranger in them, and strings near a key's length. */
  @Provide
  Arbitrary<String> keyish() {
    String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz";
    Arbitrary<String> keys = Arbitraries.strings().withChars("01234567").ofLength(1)
      .flatMap(first -> Arbitraries.strings().withChars(alphabet).ofLength(25).map(rest -> first + rest));
    Arbitrary<String> spoiled = Combinators.combine(keys, Arbitraries.integers().between(0, 25),
        Arbitraries.of('8', '9', 'i', 'l', 'o', 'u', 'I', 'L', 'O', 'U', '@', '\u00e9', '\u0100', '\0'))
      .as((key, at, c) -> key.substring(0, at) + c + key.substring(at + 1));
    Arbitrary<String> near = Arbitraries.strings().withChars(alphabet + "@\u00e9").ofMinLength(24).ofMaxLength(28);
    return Arbitraries.oneOf(keys, spoiled, near);
  }
}
