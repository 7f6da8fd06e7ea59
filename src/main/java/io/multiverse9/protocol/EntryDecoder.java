package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the payload of an OK AGGREGATE answer (SPEC 1.3): entries {@code status u8 | target_len u16 | target |
 * data_len u32 | data}, back to back until the payload ends. The one reader of that structure, for the client
 * library, the peer connections and the event bus alike; {@link ResponseEncoder} writes it, with one writer behind
 * {@link ResponseEncoder#encodeBinary} and {@link ResponseEncoder#appendEntries}.
 */
public final class EntryDecoder {

  /** {@code status u8 | target_len u16}. */
  private static final int HEADER = 3;
  private static final int DATA_LENGTH = 4;

  private EntryDecoder() {
  }

  /**
   * The entries of {@code payload}, sharing no bytes with it: an entry kept holds its own bytes only, whatever the
   * size of the answer it came in. For callers that hand entries on to code they do not control (the client
   * library's users).
   *
   * @throws MalformedAnswerException saying what is wrong and at which byte, when the payload ends inside an
   *   entry or an entry has an unknown status
   */
  public static List<AggregateEntry> decode(Buffer payload) {
    return read(payload, true);
  }

  /**
   * The entries of {@code payload} as slices of it, with no bytes copied. Only for a caller that owns the payload:
   * nobody else holds or changes it (a record a parser copied out for it alone), and the entries are let go soon,
   * since each one keeps the whole payload alive. The peer connections read every answer this way; copying each
   * entry's target and data out was a measurable part of a node's work on remote targets.
   *
   * @throws MalformedAnswerException as {@link #decode}
   */
  public static List<AggregateEntry> decodeSharing(Buffer payload) {
    return read(payload, false);
  }

  private static List<AggregateEntry> read(Buffer payload, boolean copy) {
    List<AggregateEntry> entries = new ArrayList<>();
    int end = payload.length();
    int pos = 0;
    while (pos < end) {
      require(end - pos >= HEADER, pos, "the answer ends inside an entry header");
      int code = payload.getUnsignedByte(pos);
      EntryStatus status = EntryStatus.valueOf(code);
      require(status != null, pos, "unknown entry status " + code);
      int targetLength = payload.getUnsignedShort(pos + 1);
      pos += HEADER;
      require(end - pos >= (long) targetLength + DATA_LENGTH, pos, "the answer ends inside an entry's target or data length");
      Buffer target = part(payload, pos, pos + targetLength, copy);
      pos += targetLength;
      long dataLength = payload.getUnsignedInt(pos);
      pos += DATA_LENGTH;
      require(end - pos >= dataLength, pos, "the answer ends inside an entry's data");
      Buffer data = part(payload, pos, pos + (int) dataLength, copy);
      pos += (int) dataLength;
      entries.add(new AggregateEntry(status, target, data));
    }
    return entries;
  }

  private static Buffer part(Buffer payload, int from, int to, boolean copy) {
    return copy ? payload.getBuffer(from, to) : payload.slice(from, to);
  }

  private static void require(boolean condition, int pos, String problem) {
    if (!condition) {
      throw new MalformedAnswerException("malformed AGGREGATE answer: " + problem + " (byte " + pos + ")");
    }
  }
}
