package io.multiverse9.peer;

import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.KeyBytes;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** Lets the JMH benchmarks, in another package, time the package-private {@link AnswerDecoder}. */
public final class AnswerDecoderAccess {

  private AnswerDecoderAccess() {
  }

  public static List<AggregateEntry> decode(Buffer payload, KeyBytes keys) {
    return AnswerDecoder.decode(payload, keys);
  }
}
