package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * The binary form (SPEC 1.1): after the 0x00, the opcode's low byte and a u32 length, then the payload. A frame
 * announcing more than {@code max_frame_bytes} is a fatal TOO_LARGE raised from its header alone; every header is
 * shown to {@link RequestDecoder.Listener#admit} before the payload is read, and a refused payload is skipped a
 * chunk at a time, never held whole (SPEC 1.6).
 */
final class BinaryFrames implements FormDecoder {

  /** A refused payload is read and dropped in pieces of at most this many bytes. */
  static final int SKIP_CHUNK = 16 * 1024;

  private static final int HEADER_REST = 5; // the opcode's low byte and the u32 length
  private static final Buffer EMPTY = Buffer.buffer(0);

  private enum State { HEADER, PAYLOAD, SKIP }

  private final RequestDecoder decoder;
  private State state;
  private int opcode;
  private long skipping;

  BinaryFrames(RequestDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public void begin(byte first) {
    state = State.HEADER;
    decoder.fixed(HEADER_REST);
  }

  @Override
  public void onRecord(Buffer record) {
    switch (state) {
      case HEADER -> onHeader(record);
      case PAYLOAD -> {
        decoder.expectFirstByte();
        decoder.listener().onRequest(Request.binary(opcode, record));
      }
      case SKIP -> skip(skipping - record.length());
    }
  }

  private void onHeader(Buffer header) {
    opcode = header.getUnsignedByte(0);
    long length = header.getUnsignedInt(1);
    int max = decoder.maxFrameBytes();
    if (length > max) {
      decoder.fail(new ProtocolException(Status.TOO_LARGE, Form.BINARY, true, "the frame announces " + length
        + " bytes, more than the limit of " + max + " (limits.max_frame_bytes)"));
      return;
    }
    ProtocolException refused = decoder.listener().admit(opcode, length);
    if (refused != null) {
      decoder.listener().onError(refused);
      skip(length);
    } else if (length == 0) {
      decoder.expectFirstByte();
      decoder.listener().onRequest(Request.binary(opcode, EMPTY));
    } else {
      state = State.PAYLOAD;
      decoder.fixed((int) length);
    }
  }

  /** Reads and drops {@code remaining} bytes of a refused payload, a chunk at a time. */
  private void skip(long remaining) {
    if (remaining == 0) {
      decoder.expectFirstByte();
    } else {
      state = State.SKIP;
      skipping = remaining;
      decoder.fixed((int) Math.min(remaining, SKIP_CHUNK));
    }
  }

  @Override
  public void onOverflow() {
    decoder.fail(new ProtocolException(Status.TOO_LARGE, Form.BINARY, true,
      "more unread input than the limit of " + decoder.maxFrameBytes() + " bytes (limits.max_frame_bytes) allows"));
  }
}
