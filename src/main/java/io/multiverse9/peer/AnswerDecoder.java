package io.multiverse9.peer;

import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryDecoder;
import io.multiverse9.protocol.Keys;
import io.multiverse9.protocol.MalformedAnswerException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a peer's AGGREGATE answer (SPEC 1.3) and checks it against what was asked: one entry per key, in order,
 * each naming its key. Anything else means the peer cannot be trusted on this connection.
 */
final class AnswerDecoder {

  private AnswerDecoder() {
  }

  /**
   * The entries share the bytes of {@code payload}, which the caller hands over: a peer connection's answer is a
   * record its parser copied out for it alone, and the entries live only until the node's own answer is written.
   *
   * @throws MalformedAnswerException saying what is malformed
   */
  static List<AggregateEntry> decode(Buffer payload, List<String> keys) {
    List<AggregateEntry> entries = EntryDecoder.decodeSharing(payload);
    int answered = Math.min(entries.size(), keys.size());
    byte[] named = new byte[Keys.LENGTH];
    byte[] asked = new byte[Keys.LENGTH];
    for (int i = 0; i < answered; i++) {
      Buffer target = entries.get(i).target();
      String key = keys.get(i);
      if (key.length() > asked.length) {
        named = new byte[key.length()];
        asked = new byte[key.length()];
      }
      if (!names(target, key, named, asked)) {
        throw malformed("an entry for " + target.toString(StandardCharsets.ISO_8859_1) + " where " + keys.get(i)
          + " was asked");
      }
    }
    if (entries.size() != keys.size()) {
      throw malformed(entries.size() + " entries for " + keys.size() + " keys asked");
    }
    return entries;
  }

  /**
   * Compared as bytes, keys being ASCII, so that no string is made of each target: the target's bytes and the
   * key's are each copied once into arrays at least as long as the key and compared there, which costs far less
   * than a bounds-checked call through the buffer, or a {@code charAt}, per byte.
   */
  private static boolean names(Buffer target, String key, byte[] named, byte[] asked) {
    int length = key.length();
    if (target.length() != length) {
      return false;
    }
    target.getBytes(0, length, named);
    Keys.copy(key, asked, 0);
    return Arrays.equals(named, 0, length, asked, 0, length);
  }

  private static MalformedAnswerException malformed(String problem) {
    return new MalformedAnswerException("malformed AGGREGATE answer: " + problem);
  }
}
