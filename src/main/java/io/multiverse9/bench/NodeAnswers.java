package io.multiverse9.bench;

import io.multiverse9.protocol.FrameHeader;
import io.multiverse9.protocol.Status;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Answers of a node: {@code status u16 | length u32 | payload} (SPEC 1.1), the header read by {@link FrameHeader}. */
final class NodeAnswers implements AnswerFraming {

  static final NodeAnswers INSTANCE = new NodeAnswers();
  private static final int HEADER = FrameHeader.BYTES;

  private NodeAnswers() {
  }

  @Override
  public int end(Buffer buffer, int from, int to) {
    if (to - from < HEADER) {
      return -1;
    }
    long payload = FrameHeader.payloadLength(buffer, from);
    if (payload > MAX_ANSWER_BYTES) {
      throw new IllegalStateException("the node announced an answer of " + payload + " bytes");
    }
    return to - from - HEADER < payload ? -1 : from + HEADER + (int) payload;
  }

  @Override
  public String failure(Buffer buffer, int from, int end) {
    int status = FrameHeader.code(buffer, from);
    if (status == Status.OK.code()) {
      return null;
    }
    Status known = Status.valueOf(status);
    return (known != null ? known.name() : "status " + status) + ": "
      + buffer.getString(from + HEADER, end, StandardCharsets.UTF_8.name());
  }

  @Override
  public String payload(Buffer buffer, int from, int end) {
    return buffer.getString(from + HEADER, end, StandardCharsets.US_ASCII.name());
  }
}
