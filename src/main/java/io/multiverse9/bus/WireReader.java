package io.multiverse9.bus;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Reads what {@link Wire} wrote, in the same order. */
public final class WireReader {

  private final Buffer buffer;
  private int pos;

  WireReader(Buffer buffer) {
    this.buffer = buffer;
  }

  public int readInt() {
    int value = buffer.getInt(pos);
    pos += 4;
    return value;
  }

  public long readLong() {
    long value = buffer.getLong(pos);
    pos += 8;
    return value;
  }

  public byte readByte() {
    return buffer.getByte(pos++);
  }

  /** A buffer of its own (a copy, sharing no bytes with what is read), or {@code null}. */
  public Buffer readBuffer() {
    int length = readInt();
    if (length < 0) {
      return null;
    }
    Buffer value = buffer.getBuffer(pos, pos + length);
    pos += length;
    return value;
  }

  /** An array of its own, as {@link Wire#buffer} wrote it; empty for {@code null}. */
  public byte[] readBytes() {
    int length = readInt();
    if (length < 0) {
      return new byte[0];
    }
    byte[] value = buffer.getBytes(pos, pos + length);
    pos += length;
    return value;
  }

  /** A string, or {@code null}. */
  public String readString() {
    Buffer bytes = readBuffer();
    return bytes == null ? null : bytes.toString(StandardCharsets.UTF_8);
  }
}
