package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** A header reads back as it was written, wherever it lies in what was read, with both fields unsigned. */
class FrameHeaderTest {

  @Test
  void aHeaderReadsBackWhatWasWrittenAtAnyOffset() {
    byte[] frames = new byte[3 + 2 * FrameHeader.BYTES];
    int second = FrameHeader.write(frames, 3, Status.BUSY.code(), 0);
    FrameHeader.write(frames, second, Opcode.AGGREGATE.code(), 70_000);
    Buffer read = Buffer.buffer(frames);
    assertEquals(Status.BUSY.code(), FrameHeader.code(read, 3));
    assertEquals(0, FrameHeader.payloadLength(read, 3));
    assertEquals(Opcode.AGGREGATE.code(), FrameHeader.code(read, second));
    assertEquals(70_000, FrameHeader.payloadLength(read, second));
  }

  @Test
  void bothFieldsAreUnsigned() {
    Buffer read = Buffer.buffer().appendUnsignedShort(0xFFFF).appendUnsignedInt(0xFFFF_FFFFL);
    assertEquals(0xFFFF, FrameHeader.code(read, 0));
    assertEquals(0xFFFF_FFFFL, FrameHeader.payloadLength(read, 0));
  }
}
