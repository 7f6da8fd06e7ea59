package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The word-at-a-time scans of AGGREGATE and REMOVE payloads agree with the plain byte-by-byte definitions they
 * replaced, on any bytes: the separators, the {@code @} of remote targets and the ULID alphabet.
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
    List<String> actual = Segments.split(Buffer.buffer(payload), 1000).stream()
      .map(b -> b.toString(StandardCharsets.ISO_8859_1)).toList();
    assertEquals(expected, actual);
  }

  @Property(tries = 2000)
  void bytesAndTextAgreeOnWhatIsAKey(@ForAll("keyish") String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(Keys.normalize(text), Keys.normalize(bytes, 0, bytes.length));
  }

  /** Bytes where zeros, '@' and high bytes are common, so that matches fall at every offset of a word. */
  @Provide
  Arbitrary<byte[]> fewDistinctBytes() {
    return Arbitraries.of((byte) 0, (byte) '@', (byte) 'a', (byte) 0x80, (byte) 0xFF, (byte) 1)
      .array(byte[].class);
  }

  /** Mostly 26 characters of the ULID alphabet in either case, with some strangers among them. */
  @Provide
  Arbitrary<String> keyish() {
    return Arbitraries.strings().withChars("0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyziloIL@\u00e9\u0000")
      .ofMinLength(24).ofMaxLength(28);
  }
}
