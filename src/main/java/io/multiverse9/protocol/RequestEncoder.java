package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/** Writes request frames {@code opcode u16 | length u32 | payload} (SPEC 1.1), for clients and peers. */
public final class RequestEncoder {

  private RequestEncoder() {
  }

  public static Buffer frame(Opcode opcode, Buffer payload) {
    return Buffer.buffer(FrameHeader.BYTES + payload.length())
      .appendUnsignedShort(opcode.code())
      .appendInt(payload.length())
      .appendBuffer(payload);
  }
}
