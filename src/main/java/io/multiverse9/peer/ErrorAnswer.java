package io.multiverse9.peer;

import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.Status;
import io.multiverse9.wire.AnswerReader;
import io.multiverse9.wire.WholePayload;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A peer's answer to an AGGREGATE with a status other than OK: its payload is the message, and the answer is a
 * {@link PeerException} that every entry of that peer takes (FORBIDDEN when the peer refused us).
 */
final class ErrorAnswer implements AnswerReader<List<AggregateEntry>> {

  private final String peer;
  private final int status;
  private final WholePayload message;

  ErrorAnswer(String peer, int status, long length, long max) {
    this.peer = peer;
    this.status = status;
    this.message = new WholePayload(status, length, max);
  }

  @Override
  public void read(Buffer bytes, int from, int to) {
    message.read(bytes, from, to);
  }

  @Override
  public List<AggregateEntry> answer() {
    String text = message.answer().payload().toString(StandardCharsets.UTF_8);
    Status known = Status.valueOf(status);
    if (known == Status.FORBIDDEN) {
      throw new PeerException(EntryStatus.FORBIDDEN, peer + " refused us: " + text);
    }
    throw new PeerException(EntryStatus.UNAVAILABLE, peer + " answered "
      + (known == null ? "status " + status : known.name()) + ": " + text);
  }
}
