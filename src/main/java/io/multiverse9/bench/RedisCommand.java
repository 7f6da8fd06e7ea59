package io.multiverse9.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** A Redis command as it goes on the wire: an array of bulk strings, as redis-benchmark and redis-cli send it. */
final class RedisCommand {

  private RedisCommand() {
  }

  static Buffer encode(Object... args) {
    Buffer out = Buffer.buffer(64);
    out.appendString("*" + args.length + "\r\n");
    for (Object arg : args) {
      Buffer bytes = arg instanceof Buffer b ? b : Buffer.buffer(arg.toString().getBytes(StandardCharsets.UTF_8));
      out.appendString("$" + bytes.length() + "\r\n").appendBuffer(bytes).appendString("\r\n");
    }
    return out;
  }
}
