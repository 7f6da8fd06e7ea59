package io.multiverse9.server;

import io.multiverse9.net.WrappedBytes;
import io.multiverse9.protocol.ResponseEncoder;
import io.vertx.core.buffer.Buffer;

/**
 * Encodes the answers ready at the head of a connection's {@link AnswerQueue} into one buffer: answers that complete
 * in the same event-loop turn (a Redis batch answers many at once) go out in one write, one system call for a
 * pipeline's worth of answers, not one each.
 */
final class AnswerWriter {

  /**
   * The most a turn's answer buffer is sized to before anything is written into it: the lengths it is sized by
   * are exact for binary answers but generous for METADATA and errors, so a buffer sized past this would hold
   * room that is never used; past it the buffer grows as it is written.
   */
  private static final int MAX_PRESIZED_WRITE = 4 << 20;
  /**
   * The most a turn's answers may add up to for them to be written into one array of their exact size (the largest
   * array a JVM makes): an exact size holds no room that is never used, so it needs no lower bound.
   */
  private static final long MAX_EXACT_WRITE = Integer.MAX_VALUE - 8;

  private AnswerWriter() {
  }

  /**
   * The ready answers, taken off the queue and encoded; {@code null} when none is ready.
   *
   * @param ready what the queue says of them, which is what they were counted as until now
   */
  static Buffer encode(AnswerQueue queue, AnswerQueue.Ready ready) {
    if (ready.bytes() <= 0) {
      return null;
    }
    if (ready.allExact() && ready.bytes() <= MAX_EXACT_WRITE) {
      // the common turn (one AGGREGATE answer at a pipeline depth of one): each answer's bytes are written once,
      // into the array the socket is handed, not into an array of their own and then copied into a buffer
      byte[] bytes = new byte[(int) ready.bytes()];
      int at = 0;
      while (queue.headReady()) {
        at = ResponseEncoder.encodeBinary(queue.take().reply, bytes, at);
      }
      return WrappedBytes.of(bytes);
    }
    // sized once: a buffer grown by doubling copies a large AGGREGATE answer several times over
    Buffer out = Buffer.buffer((int) Math.min(ready.bytes(), MAX_PRESIZED_WRITE));
    while (queue.headReady()) {
      Slot slot = queue.take();
      ResponseEncoder.appendTo(out, slot.reply, slot.form);
    }
    return out;
  }
}
