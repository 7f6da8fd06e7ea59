package io.multiverse9.peer;

import io.multiverse9.wire.AnswerReader;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import io.multiverse9.protocol.AggregateEntry;

/**
 * Reads past an answer the request may not hold now: its bytes are dropped as they arrive, so the connection goes
 * on with the answers behind it, and the request fails with how long the answer was.
 */
final class SkippedAnswer implements AnswerReader<List<AggregateEntry>> {

  private final long length;

  SkippedAnswer(long length) {
    this.length = length;
  }

  @Override
  public void read(Buffer bytes, int from, int to) {
  }

  @Override
  public List<AggregateEntry> answer() {
    throw new OverAllowanceException(length);
  }
}
