package io.multiverse9.peer;

import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryDecoder;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Keys;
import io.multiverse9.protocol.MalformedAnswerException;
import io.multiverse9.wire.AnswerReader;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a peer's OK AGGREGATE answer (SPEC 1.3) as it arrives and checks it against what was asked: one entry per
 * key, in order, each naming its key. Each entry's target is checked as soon as its bytes are in, before its data
 * is read, so that a peer naming a key it was not asked is cut off before it sends the value. Anything else means
 * the peer cannot be trusted on this connection.
 */
final class AnswerDecoder implements AnswerReader<List<AggregateEntry>> {

  private static final int SHOWN_BYTES = 64;

  private final KeyBytes keys;
  private final EntryDecoder entries;
  /** Where an entry's target is copied to be compared with its key. */
  private final byte[] named = new byte[Keys.LENGTH];

  /**
   * The entries share the bytes of the reads they arrive in, which a socket hands over, and live only until the
   * node's own answer is written.
   */
  AnswerDecoder(KeyBytes keys, long length) {
    this.keys = keys;
    this.entries = EntryDecoder.sharing(length, this::check);
  }

  /**
   * The entries of a whole answer, sharing its bytes.
   *
   * @throws MalformedAnswerException saying what is malformed
   */
  static List<AggregateEntry> decode(Buffer payload, KeyBytes keys) {
    AnswerDecoder decoder = new AnswerDecoder(keys, payload.length());
    decoder.read(payload, 0, payload.length());
    return decoder.answer();
  }

  @Override
  public void read(Buffer bytes, int from, int to) {
    entries.feed(bytes, from, to);
  }

  @Override
  public List<AggregateEntry> answer() {
    if (entries.entries().size() != keys.size()) {
      throw malformed(entries.entries().size() + " entries for " + keys.size() + " keys asked");
    }
    return entries.entries();
  }

  private void check(int index, Buffer target) {
    if (index >= keys.size()) {
      throw malformed("more entries than the " + keys.size() + " keys asked");
    }
    if (!names(target, index)) {
      throw malformed("an entry for " + shown(target) + " where " + keys.key(index) + " was asked");
    }
  }

  /**
   * Compared as bytes, so that no string is made of each target: the target's bytes are copied once into an array
   * and compared with the key's where the request holds them, which costs far less than a bounds-checked call
   * through the buffer per byte.
   */
  private boolean names(Buffer target, int index) {
    if (target.length() != Keys.LENGTH) {
      return false;
    }
    target.getBytes(0, Keys.LENGTH, named);
    return keys.matches(index, named, 0);
  }

  /** A target as a message shows it: a peer's target can be 64 KiB of anything. */
  private static String shown(Buffer target) {
    int shown = Math.min(target.length(), SHOWN_BYTES);
    return target.getString(0, shown, StandardCharsets.ISO_8859_1.name())
      + (shown < target.length() ? "... (" + target.length() + " bytes)" : "");
  }

  private static MalformedAnswerException malformed(String problem) {
    return new MalformedAnswerException("malformed AGGREGATE answer: " + problem);
  }
}
