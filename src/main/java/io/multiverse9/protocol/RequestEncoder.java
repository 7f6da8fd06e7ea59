package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/** Writes request frames {@code opcode u16 | length u32 | payload} (SPEC 1.1), for clients and peers. */
public final class RequestEncoder {

  /** {@code opcode u16 | length u32}. */
  public static final int HEADER_BYTES = 6;

  private RequestEncoder() {
  }

  public static Buffer frame(Opcode opcode, Buffer payload) {
    return Buffer.buffer(HEADER_BYTES + payload.length())
      .appendUnsignedShort(opcode.code())
      .appendInt(payload.length())
      .appendBuffer(payload);
  }

  /** The header of a frame of {@code payloadLength} bytes, at the start of {@code frame}: for frames built whole. */
  public static void writeHeader(byte[] frame, Opcode opcode, int payloadLength) {
    frame[0] = (byte) (opcode.code() >>> 8);
    frame[1] = (byte) opcode.code();
    frame[2] = (byte) (payloadLength >>> 24);
    frame[3] = (byte) (payloadLength >>> 16);
    frame[4] = (byte) (payloadLength >>> 8);
    frame[5] = (byte) payloadLength;
  }
}
