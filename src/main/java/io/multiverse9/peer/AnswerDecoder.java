package io.multiverse9.peer;

import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryDecoder;
import io.multiverse9.protocol.MalformedAnswerException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a peer's AGGREGATE answer (SPEC 1.3) and checks it against what was asked: one entry per key, in order,
 * each naming its key. Anything else means the peer cannot be trusted on this connection.
 */
final class AnswerDecoder {

  private AnswerDecoder() {
  }

  /** @throws MalformedAnswerException saying what is malformed */
  static List<AggregateEntry> decode(Buffer payload, List<String> keys) {
    List<AggregateEntry> entries = EntryDecoder.decode(payload);
    int answered = Math.min(entries.size(), keys.size());
    for (int i = 0; i < answered; i++) {
      Buffer target = entries.get(i).target();
      if (!names(target, keys.get(i))) {
        throw malformed("an entry for " + target.toString(StandardCharsets.ISO_8859_1) + " where " + keys.get(i)
          + " was asked");
      }
    }
    if (entries.size() != keys.size()) {
      throw malformed(entries.size() + " entries for " + keys.size() + " keys asked");
    }
    return entries;
  }

  /** Compared byte for character: keys are ASCII, and no string need be made of each entry's target. */
  private static boolean names(Buffer target, String key) {
    int length = key.length();
    if (target.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if ((target.getByte(i) & 0xFF) != key.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static MalformedAnswerException malformed(String problem) {
    return new MalformedAnswerException("malformed AGGREGATE answer: " + problem);
  }
}
