package io.multiverse9.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.multiverse9.protocol.Segments;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The AGGREGATE a peer pool sends, built in one array from the keys where the client's request holds them, is the
 * frame any client would send for the same keys, in upper case.
 */
class PeerRequestFrameTest {

  @Property
  void isTheFrameOfTheKeysJoinedByZeroBytes(@ForAll("keys") List<String> keys) {
    byte[] expected = RequestEncoder.frame(Opcode.AGGREGATE,
      Segments.join(keys.stream().map(k -> k.toUpperCase(Locale.ROOT)).toList())).getBytes();
    // the keys as an AGGREGATE's targets leave them: normalised in place in the payload's copy
    Segments targets = Segments.split(Segments.join(keys), keys.size());
    int[] keyAt = new int[targets.size()];
    for (int i = 0; i < keyAt.length; i++) {
      keyAt[i] = targets.keyAt(i);
    }
    assertArrayEquals(expected, PeerPool.frame(KeyBytes.at(targets.array(), keyAt, keyAt.length)).getBytes());
    assertArrayEquals(expected, PeerPool.frame(KeyBytes.packed(KeyBytes.of(keys).appendTo(Buffer.buffer())
      .getBytes())).getBytes());
  }

  @Provide
  Arbitrary<List<String>> keys() {
    Arbitrary<String> key = Arbitraries.strings().withChars("01234567").ofLength(1).flatMap(first -> Arbitraries
      .strings().withChars("0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz").ofLength(25)
      .map(rest -> first + rest));
    return key.list().ofMinSize(1).ofMaxSize(300);
  }
}
