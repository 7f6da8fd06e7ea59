package io.multiverse9.bus;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

  /** A string, or {@code null}. */
  public String readString() {
    Buffer bytes = readBuffer();
    return bytes == null ? null : bytes.toString(StandardCharsets.UTF_8);
  }

  public List<String> readStrings() {
    int count = readInt();
    List<String> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(readString());
    }
    return values;
  }
}
