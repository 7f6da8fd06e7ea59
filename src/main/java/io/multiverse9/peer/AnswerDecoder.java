package io.multiverse9.peer;

import io.multiverse9.protocol.EntryStatus;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a peer's AGGREGATE answer (SPEC 1.3) and checks it against what was asked: one entry per key, in order,
 * each naming its key. Anything else means the peer cannot be trusted on this connection.
 */
final class AnswerDecoder {

  private AnswerDecoder() {
  }

  /** @throws IllegalArgumentException saying what is malformed */
  static List<PeerMessages.Entry> decode(Buffer payload, List<String> keys) {
    List<PeerMessages.Entry> entries = new ArrayList<>(keys.size());
    int pos = 0;
    for (String key : keys) {
      require(payload.length() - pos >= 3, "the answer ends inside an entry header");
      EntryStatus status = EntryStatus.valueOf(payload.getUnsignedByte(pos));
      require(status != null, "unknown entry status " + payload.getUnsignedByte(pos));
      int targetLength = payload.getUnsignedShort(pos + 1);
      pos += 3;
      require(payload.length() - pos >= targetLength + 4, "the answer ends inside an entry");
      String target = payload.getString(pos, pos + targetLength, StandardCharsets.ISO_8859_1.name());
      require(target.equals(key), "an entry for " + target + " where " + key + " was asked");
      pos += targetLength;
      long dataLength = payload.getUnsignedInt(pos);
      pos += 4;
      require(payload.length() - pos >= dataLength, "the answer ends inside an entry's data");
      entries.add(new PeerMessages.Entry(status, payload.getBuffer(pos, pos + (int) dataLength)));
      pos += (int) dataLength;
    }
    require(pos == payload.length(), "more entries than keys asked");
    return entries;
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException("malformed AGGREGATE answer: " + problem);
    }
  }
}
