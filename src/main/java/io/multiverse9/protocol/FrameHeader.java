package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * The six bytes before every payload, in both directions (SPEC 1.1): {@code code u16 | length u32}, big-endian,
 * where the code is the opcode of a request or the status of an answer. Written here for frames built whole in one
 * array, and read here for every answer a node sends: whoever reads answers (the client library and the peers
 * through {@code wire.FrameChannel}, the load generator of {@code bench}) reads their headers with
 * {@link #code(Buffer, int)} and {@link #payloadLength(Buffer, int)}.
 */
public final class FrameHeader {

  public static final int BYTES = 6;

  private FrameHeader() {
  }

  /** Writes the header of a frame of {@code payloadLength} payload bytes at {@code at}; returns the payload's start. */
  public static int write(byte[] into, int at, int code, int payloadLength) {
    into[at] = (byte) (code >>> 8);
    into[at + 1] = (byte) code;
    into[at + 2] = (byte) (payloadLength >>> 24);
    into[at + 3] = (byte) (payloadLength >>> 16);
    into[at + 4] = (byte) (payloadLength >>> 8);
    into[at + 5] = (byte) payloadLength;
    return at + BYTES;
  }

  /** The code of the header at {@code at} of {@code bytes}, which holds all six bytes: an answer's status. */
  public static int code(Buffer bytes, int at) {
    return bytes.getUnsignedShort(at);
  }

  /** The payload length the header at {@code at} of {@code bytes} announces: unsigned, up to 2^32 - 1. */
  public static long payloadLength(Buffer bytes, int at) {
    return bytes.getUnsignedInt(at + 2);
  }
}
