package io.multiverse9.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.MalformedAnswerException;
import io.multiverse9.protocol.ResponseEncoder;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A peer's answer is taken only when it has one entry per key asked, in order, each naming its key exactly. */
class AnswerDecoderTest {

  private static final String ONE = "01JD7Q6W7C4X5S2Z3Y8K9M0N1P";
  private static final String TWO = "01JD7Q6W7C4X5S2Z3Y8K9M0N1Q";

  private static Buffer answer(String... targets) {
    List<AggregateEntry> entries = new ArrayList<>();
    for (String target : targets) {
      entries.add(AggregateEntry.found(Buffer.buffer(target), Buffer.buffer("v-" + target)));
    }
    return ResponseEncoder.appendEntries(Buffer.buffer(), entries);
  }

  @Test
  void entriesNamingTheKeysInOrderAreTaken() {
    List<AggregateEntry> entries = AnswerDecoder.decode(answer(ONE, TWO), KeyBytes.of(ONE, TWO));
    assertEquals(Buffer.buffer("v-" + TWO), entries.get(1).data());
  }

  /** Entries of every status and of sizes around the buffer's and the key check's edges, each its own bytes. */
  @Test
  void everyEntryCarriesItsOwnTargetAndData() {
    List<AggregateEntry> sent = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    int[] sizes = {0, 1, 7, 8, 63, 64, 65, 4096};
    EntryStatus[] statuses = EntryStatus.values();
    for (int i = 0; i < 40; i++) {
      String key = String.format("01JD7Q6W7C4X5S2Z3Y8K9M%04d", i);
      byte[] data = new byte[sizes[i % sizes.length]];
      for (int b = 0; b < data.length; b++) {
        data[b] = (byte) (i * 31 + b);
      }
      keys.add(key);
      sent.add(new AggregateEntry(statuses[i % statuses.length], Buffer.buffer(key), Buffer.buffer(data)));
    }
    assertEquals(sent, AnswerDecoder.decode(ResponseEncoder.appendEntries(Buffer.buffer(), sent), KeyBytes.of(keys)));
  }

  @Test
  void aTargetDifferingInItsLastByteOnlyIsMalformed() {
    String almost = ONE.substring(0, ONE.length() - 1) + "Q";
    assertThrows(MalformedAnswerException.class, () -> AnswerDecoder.decode(answer(almost), KeyBytes.of(ONE)));
    assertThrows(MalformedAnswerException.class, () -> AnswerDecoder.decode(answer(ONE, almost), KeyBytes.of(ONE, ONE)));
  }

  @Test
  void anEntryNamingAnotherKeyIsMalformed() {
    MalformedAnswerException e = assertThrows(MalformedAnswerException.class,
      () -> AnswerDecoder.decode(answer(ONE, ONE), KeyBytes.of(ONE, TWO)));
    assertEquals("malformed AGGREGATE answer: an entry for " + ONE + " where " + TWO + " was asked", e.getMessage());
  }

  @Test
  void anEntryNamingTheKeyOtherwiseWrittenIsMalformed() {
    assertThrows(MalformedAnswerException.class,
      () -> AnswerDecoder.decode(answer(ONE.toLowerCase()), KeyBytes.of(ONE)));
    assertThrows(MalformedAnswerException.class,
      () -> AnswerDecoder.decode(answer(ONE + "@127.0.0.1:7001"), KeyBytes.of(ONE)));
  }

  @Test
  void tooFewOrTooManyEntriesAreMalformed() {
    assertEquals("malformed AGGREGATE answer: 1 entries for 2 keys asked", assertThrows(MalformedAnswerException.class,
      () -> AnswerDecoder.decode(answer(ONE), KeyBytes.of(ONE, TWO))).getMessage());
    assertThrows(MalformedAnswerException.class, () -> AnswerDecoder.decode(answer(ONE, TWO), KeyBytes.of(ONE)));
  }

  /** A peer naming a key it was not asked is refused from that entry's target, before its value is read. */
  @Test
  void anEntryForAKeyNotAskedIsRefusedBeforeItsDataArrives() {
    Buffer head = Buffer.buffer().appendUnsignedByte((short) 0).appendUnsignedShort(TWO.length()).appendString(TWO);
    AnswerDecoder decoder = new AnswerDecoder(KeyBytes.of(ONE), head.length() + 4 + 50_000_000L);
    MalformedAnswerException e = assertThrows(MalformedAnswerException.class,
      () -> decoder.read(head, 0, head.length()));
    assertEquals("malformed AGGREGATE answer: an entry for " + TWO + " where " + ONE + " was asked", e.getMessage());
  }

  @Test
  void anEntryPastTheKeysAskedIsRefusedFromItsTarget() {
    Buffer payload = answer(ONE, ONE);
    AnswerDecoder decoder = new AnswerDecoder(KeyBytes.of(ONE), payload.length());
    MalformedAnswerException e = assertThrows(MalformedAnswerException.class,
      () -> decoder.read(payload, 0, payload.length()));
    assertEquals("malformed AGGREGATE answer: more entries than the 1 keys asked", e.getMessage());
  }

  /** An empty answer to keys asked is read (nothing to read) and refused when the answer is asked for. */
  @Test
  void noEntriesForKeysAskedIsMalformed() {
    assertEquals("malformed AGGREGATE answer: 0 entries for 1 keys asked", assertThrows(
      MalformedAnswerException.class, () -> new AnswerDecoder(KeyBytes.of(ONE), 0).answer()).getMessage());
  }
}
