package io.multiverse9.wire;

import io.multiverse9.net.WrappedBytes;
import io.vertx.core.buffer.Buffer;

/**
 * An answer's payload read whole, for answers that are small or wanted in one piece (the client library's, an
 * AUTH answer). Its array grows with the bytes that arrive, doubling up to the announced length, so that a server
 * announcing much and sending little costs what it sent, and a large payload is copied about once more in all.
 */
public final class WholePayload implements AnswerReader<FrameChannel.Response> {

  private static final int FIRST_ARRAY = 64 * 1024;

  private final int status;
  private final int length;
  private byte[] bytes;
  private int filled;

  /**
   * @param max the largest payload taken
   * @throws AnswerRefusedException when {@code length} is over {@code max}
   */
  public WholePayload(int status, long length, long max) {
    if (length > Math.min(max, Integer.MAX_VALUE - 8)) {
      throw new AnswerRefusedException("announced an answer of " + length + " bytes, more than " + max);
    }
    this.status = status;
    this.length = (int) length;
    this.bytes = new byte[Math.min(this.length, FIRST_ARRAY)];
  }

  @Override
  public void read(Buffer read, int from, int to) {
    int n = to - from;
    if (filled + n > bytes.length) {
      byte[] larger = new byte[(int) Math.min(length, Math.max((long) bytes.length * 2, filled + n))];
      System.arraycopy(bytes, 0, larger, 0, filled);
      bytes = larger;
    }
    read.getBytes(from, to, bytes, filled);
    filled += n;
  }

  @Override
  public FrameChannel.Response answer() {
    return new FrameChannel.Response(status, WrappedBytes.of(bytes));
  }
}
