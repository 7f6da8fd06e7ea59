package io.multiverse9.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.multiverse9.protocol.Segments;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** The AGGREGATE a peer pool sends, built in one array, is the frame any client would send for the same keys. */
class PeerRequestFrameTest {

  @Property
  void isTheFrameOfTheKeysJoinedByZeroBytes(
      @ForAll @NotEmpty @Size(max = 300)
      List<@StringLength(min = 1, max = 40) @CharRange(from = '!', to = '~') String> keys) {
    byte[] expected = RequestEncoder.frame(Opcode.AGGREGATE, Segments.join(keys)).getBytes();
    assertArrayEquals(expected, PeerPool.frame(keys).getBytes());
  }
}
