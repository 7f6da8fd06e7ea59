package io.multiverse9.bus;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Writes the fields of our messages for {@link BusCodec}: lengths first, {@code -1} for {@code null}. */
public final class Wire {

  private Wire() {
  }

  public static void buffer(Buffer out, Buffer value) {
    if (value == null) {
      out.appendInt(-1);
    } else {
      out.appendInt(value.length()).appendBuffer(value);
    }
  }

  public static void string(Buffer out, String value) {
    buffer(out, value == null ? null : Buffer.buffer(value.getBytes(StandardCharsets.UTF_8)));
  }
}
