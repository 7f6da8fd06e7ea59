package io.multiverse9.protocol;

/**
 * The six bytes before every payload, in both directions (SPEC 1.1): {@code code u16 | length u32}, big-endian,
 * where the code is the opcode of a request or the status of an answer. For frames built whole in one array.
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
}
