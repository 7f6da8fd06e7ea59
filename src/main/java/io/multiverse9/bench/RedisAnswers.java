package io.multiverse9.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Replies of a Redis server in RESP2 (the protocol a connection speaks until it sends HELLO 3): simple strings,
 * errors, integers, bulk strings and arrays of them. Only error replies count as failures.
 */
final class RedisAnswers implements AnswerFraming {

  static final RedisAnswers INSTANCE = new RedisAnswers();
  /** Arrays nest no deeper than this in the replies of the commands bench sends (PING, SET, MGET). */
  private static final int MAX_DEPTH = 8;

  private RedisAnswers() {
  }

  @Override
  public int end(Buffer buffer, int from, int to) {
    return end(buffer, from, to, 0);
  }

  private static int end(Buffer buffer, int from, int to, int depth) {
    if (from >= to) {
      return -1;
    }
    byte type = buffer.getByte(from);
    int cr = lineEnd(buffer, from + 1, to);
    if (cr < 0) {
      return -1;
    }
    int next = cr + 2;
    return switch (type) {
      case '+', '-', ':' -> next;
      case '$' -> {
        long length = number(buffer, from + 1, cr);
        if (length > MAX_ANSWER_BYTES) {
          throw new IllegalStateException("Redis announced a reply of " + length + " bytes");
        }
        long end = length < 0 ? next : next + length + 2;
        yield end <= to ? (int) end : -1;
      }
      case '*' -> {
        long count = number(buffer, from + 1, cr);
        if (depth == MAX_DEPTH || count > MAX_ANSWER_BYTES / 4) {
          throw new IllegalStateException("Redis sent an array bench did not ask for (" + count + " elements)");
        }
        int at = next;
        for (long i = 0; i < count && at >= 0; i++) {
          at = end(buffer, at, to, depth + 1);
        }
        yield at;
      }
      default -> throw new IllegalStateException("not a Redis reply: it starts with byte " + (type & 0xFF));
    };
  }

  /** The offset of the CR of the CRLF that ends the line starting at {@code from}, or -1 while it is not in. */
  private static int lineEnd(Buffer buffer, int from, int to) {
    for (int i = from; i + 1 < to; i++) {
      if (buffer.getByte(i) == '\r' && buffer.getByte(i + 1) == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** A length, read in place: a String per element of every MGET reply would cost the baseline's generator. */
  private static long number(Buffer buffer, int from, int to) {
    boolean negative = from < to && buffer.getByte(from) == '-';
    int start = negative ? from + 1 : from;
    if (start == to || to - start > 18) {
      throw notANumber(buffer, from, to);
    }
    long value = 0;
    for (int i = start; i < to; i++) {
      byte digit = buffer.getByte(i);
      if (digit < '0' || digit > '9') {
        throw notANumber(buffer, from, to);
      }
      value = value * 10 + (digit - '0');
    }
    return negative ? -value : value;
  }

  private static IllegalStateException notANumber(Buffer buffer, int from, int to) {
    return new IllegalStateException("not a Redis reply: a length of \""
      + buffer.getString(from, to, StandardCharsets.US_ASCII.name()) + "\"");
  }

  @Override
  public String failure(Buffer buffer, int from, int end) {
    return buffer.getByte(from) == '-' ? buffer.getString(from + 1, end - 2, StandardCharsets.UTF_8.name()) : null;
  }

  @Override
  public String payload(Buffer buffer, int from, int end) {
    return buffer.getString(from, end, StandardCharsets.UTF_8.name());
  }
}
