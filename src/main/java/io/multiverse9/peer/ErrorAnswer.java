package io.multiverse9.peer;

import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.Status;
import io.multiverse9.wire.AnswerReader;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A peer's answer to an AGGREGATE with a status other than OK: its payload is the message, and the answer is a
 * {@link PeerException} that every entry of that peer takes (FORBIDDEN when the peer refused us). Only the first
 * {@link #MAX_MESSAGE_BYTES} of the message are kept, the rest read and dropped: the message is copied into each of
 * that peer's entries, so a peer's megabyte of message asked for 4096 keys would be gigabytes.
 */
final class ErrorAnswer implements AnswerReader<List<AggregateEntry>> {

  static final int MAX_MESSAGE_BYTES = 1024;

  private final String peer;
  private final int status;
  private final long length;
  private final Buffer kept;

  ErrorAnswer(String peer, int status, long length) {
    this.peer = peer;
    this.status = status;
    this.length = length;
    this.kept = Buffer.buffer((int) Math.min(length, MAX_MESSAGE_BYTES));
  }

  @Override
  public void read(Buffer bytes, int from, int to) {
    int room = MAX_MESSAGE_BYTES - kept.length();
    if (room > 0) {
      kept.appendBuffer(bytes, from, Math.min(room, to - from));
    }
  }

  @Override
  public List<AggregateEntry> answer() {
    // a multi-byte character cut at the end shows as a replacement character, which is all it can be
    String text = kept.toString(StandardCharsets.UTF_8)
      + (length > kept.length() ? "... (" + length + " bytes)" : "");
    Status known = Status.valueOf(status);
    if (known == Status.FORBIDDEN) {
      throw new PeerException(EntryStatus.FORBIDDEN, peer + " refused us: " + text);
    }
    throw new PeerException(EntryStatus.UNAVAILABLE, peer + " answered "
      + (known == null ? "status " + status : known.name()) + ": " + text);
  }
}
