package io.multiverse9.protocol;

import java.nio.charset.StandardCharsets;
import io.vertx.core.buffer.Buffer;

/**
 * The answers of the RESP form (SPEC 1.7), in RESP2 as Redis writes them: a key or a value is a bulk string, a
 * count an integer, an AGGREGATE an array with one element per target (FOUND a bulk string, NOT_FOUND a nil, the
 * other entry statuses an error element), and a request-level error {@code -STATUS message} with the status
 * names of the binary form ({@code -ERR} for an unknown command, as Redis clients expect).
 */
final class RespAnswers {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] NIL = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
  /** HELLO 2's map, as Redis writes it in RESP2: the server's name and the protocol, the field clients read. */
  private static final byte[] HELLO = "*4\r\n$6\r\nserver\r\n$11\r\nmultiverse9\r\n$5\r\nproto\r\n:2\r\n"
    .getBytes(StandardCharsets.US_ASCII);

  private RespAnswers() {
  }

  static Buffer append(Buffer out, Reply reply) {
    if (reply instanceof Reply.Created c) {
      return bulk(out, Buffer.buffer(c.key()));
    } else if (reply instanceof Reply.Removed r) {
      return out.appendByte((byte) ':').appendString(Long.toString(r.count())).appendBytes(CRLF);
    } else if (reply instanceof Reply.Entries e) {
      out.appendByte((byte) '*').appendString(Integer.toString(e.entries().size())).appendBytes(CRLF);
      for (AggregateEntry entry : e.entries()) {
        switch (entry.status()) {
          case FOUND -> bulk(out, entry.data());
          case NOT_FOUND -> out.appendBytes(NIL);
          default -> error(out, entry.status().name(), entry.data().toString(StandardCharsets.UTF_8));
        }
      }
      return out;
    } else if (reply instanceof Reply.Metadata m) {
      return bulk(out, m.json().toBuffer());
    } else if (reply instanceof Reply.Pong p) {
      // as Redis: PING alone is +PONG, PING with an argument echoes it as a bulk string
      return p.echo().length() == 0 ? out.appendBytes(PONG) : bulk(out, p.echo());
    } else if (reply instanceof Reply.Authenticated || reply instanceof Reply.Goodbye) {
      return out.appendBytes(OK);
    } else if (reply instanceof Reply.Hello) {
      return out.appendBytes(HELLO);
    } else if (reply instanceof Reply.Line l) {
      return out.appendString(oneLine(l.line()), "UTF-8").appendBytes(CRLF);
    } else if (reply instanceof Reply.Error err) {
      return error(out, err.status() == Status.UNKNOWN_OPCODE ? "ERR" : err.status().name(), err.message());
    }
    throw new IllegalArgumentException("no RESP answer for " + reply.getClass().getSimpleName());
  }

  private static Buffer bulk(Buffer out, Buffer data) {
    return out.appendByte((byte) '$').appendString(Integer.toString(data.length())).appendBytes(CRLF)
      .appendBuffer(data).appendBytes(CRLF);
  }

  /** An error line: its message cannot hold a CR or LF, which would end it early and desynchronise the client. */
  private static Buffer error(Buffer out, String prefix, String message) {
    return out.appendByte((byte) '-').appendString(prefix).appendByte((byte) ' ')
      .appendString(oneLine(message), "UTF-8").appendBytes(CRLF);
  }

  private static String oneLine(String text) {
    return text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text : text.replace('\r', ' ').replace('\n', ' ');
  }
}
