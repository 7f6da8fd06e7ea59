package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The one reader of AGGREGATE entries (SPEC 1.3): what {@link ResponseEncoder#appendEntries} writes it reads back,
 * and a payload cut anywhere but between entries, or an unknown status, is a {@link MalformedAnswerException}
 * naming the problem, never an exception of another kind.
 */
class EntryDecoderTest {

  @Provide
  Arbitrary<List<AggregateEntry>> entries() {
    Arbitrary<AggregateEntry> entry = Combinators.combine(
      Arbitraries.of(EntryStatus.values()),
      Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
      Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
    ).as((status, target, data) -> new AggregateEntry(status, Buffer.buffer(target), Buffer.buffer(data)));
    return entry.list().ofMaxSize(8);
  }

  static Buffer encode(List<AggregateEntry> entries) {
    Buffer out = Buffer.buffer();
    ResponseEncoder.appendEntries(out, entries);
    return out;
  }

  @Property
  void readsBackWhatTheEncoderWrote(@ForAll("entries") List<AggregateEntry> entries) {
    assertEquals(entries, EntryDecoder.decode(encode(entries)));
  }

  @Property
  void readsBackTheSameSharingThePayload(@ForAll("entries") List<AggregateEntry> entries) {
    assertEquals(entries, EntryDecoder.decodeSharing(encode(entries)));
  }

  /** Told apart by writing over the payload afterwards: a copy keeps what was read, a slice shows the change. */
  @Example
  void decodeCopiesAndDecodeSharingShares() {
    Buffer payload = encode(List.of(AggregateEntry.found(Buffer.buffer("K"), Buffer.buffer("value"))));
    List<AggregateEntry> copied = EntryDecoder.decode(payload);
    List<AggregateEntry> shared = EntryDecoder.decodeSharing(payload);
    int dataAt = payload.length() - "value".length();
    payload.setString(dataAt, "VALUE");
    payload.setString(3, "X");
    assertEquals(AggregateEntry.found(Buffer.buffer("K"), Buffer.buffer("value")), copied.get(0));
    assertEquals(AggregateEntry.found(Buffer.buffer("X"), Buffer.buffer("VALUE")), shared.get(0));
  }

  @Property
  void decodeSharingFindsWhatDecodeFinds(@ForAll @Size(max = 64) byte[] bytes) {
    Buffer payload = Buffer.buffer(bytes);
    String copied;
    try {
      copied = EntryDecoder.decode(payload).toString();
    } catch (MalformedAnswerException e) {
      copied = e.getMessage();
    }
    String shared;
    try {
      shared = EntryDecoder.decodeSharing(payload).toString();
    } catch (MalformedAnswerException e) {
      shared = e.getMessage();
    }
    assertEquals(copied, shared);
  }

  @Property
  void aPayloadCutInsideAnEntryIsMalformedAndCutBetweenEntriesIsTheEntriesBefore(
      @ForAll("entries") List<AggregateEntry> entries) {
    Buffer payload = encode(entries);
    List<Integer> boundaries = new ArrayList<>();
    int at = 0;
    boundaries.add(at);
    for (AggregateEntry e : entries) {
      at += (int) ResponseEncoder.entryLength(e);
      boundaries.add(at);
    }
    for (int cut = 0; cut <= payload.length(); cut++) {
      Buffer prefix = payload.getBuffer(0, cut);
      int whole = boundaries.indexOf(cut);
      if (whole >= 0) {
        assertEquals(entries.subList(0, whole), EntryDecoder.decode(prefix), "cut at " + cut);
      } else {
        MalformedAnswerException e = assertThrows(MalformedAnswerException.class, () -> EntryDecoder.decode(prefix),
          "cut at " + cut);
        assertTrue(e.getMessage().startsWith("malformed AGGREGATE answer: the answer ends inside"), e.getMessage());
      }
    }
  }

  @Property
  void anyBytesAreEntriesOrMalformed(@ForAll @Size(max = 64) byte[] bytes) {
    try {
      List<AggregateEntry> entries = EntryDecoder.decode(Buffer.buffer(bytes));
      assertEquals(Buffer.buffer(bytes), encode(entries), "what is read is what was there");
    } catch (MalformedAnswerException expected) {
      assertTrue(expected.getMessage().startsWith("malformed AGGREGATE answer: "), expected.getMessage());
    }
  }

  /** Fed in reads of every size from 1 to past the payload's length, as a socket might split it. */
  @Property(tries = 200)
  void readsTheSameEntriesWhateverTheSizeOfTheReads(@ForAll("entries") List<AggregateEntry> entries) {
    Buffer payload = encode(entries);
    for (int chunk = 1; chunk <= payload.length() + 1; chunk++) {
      EntryDecoder decoder = EntryDecoder.sharing(payload.length(), (index, target) -> { });
      for (int at = 0; at < payload.length(); at += chunk) {
        decoder.feed(payload, at, Math.min(payload.length(), at + chunk));
      }
      assertTrue(decoder.complete(), "chunk " + chunk);
      assertEquals(entries, decoder.entries(), "chunk " + chunk);
    }
  }

  /** Split at random places, a byte's split moving between every two reads, the same. */
  @Property(tries = 300)
  void readsTheSameEntriesSplitAtRandom(@ForAll("entries") List<AggregateEntry> entries,
                                        @ForAll @Size(max = 20) List<@net.jqwik.api.constraints.IntRange(min = 1,
                                          max = 64) Integer> reads) {
    Buffer payload = encode(entries);
    EntryDecoder decoder = EntryDecoder.sharing(payload.length(), (index, target) -> { });
    int at = 0;
    for (int read : reads) {
      int to = Math.min(payload.length(), at + read);
      decoder.feed(payload, at, to);
      at = to;
    }
    decoder.feed(payload, at, payload.length());
    assertEquals(entries, decoder.entries());
  }

  /** A refused target stops the read there: the entry's data, announced as 1 GiB, is never asked for. */
  @Example
  void aTargetCheckRefusesAnEntryBeforeItsDataIsRead() {
    Buffer head = Buffer.buffer().appendUnsignedByte((short) 0).appendUnsignedShort(3).appendString("BAD");
    EntryDecoder decoder = EntryDecoder.sharing(head.length() + 4 + (1L << 30), (index, target) -> {
      throw new MalformedAnswerException("malformed AGGREGATE answer: not " + target);
    });
    MalformedAnswerException e = assertThrows(MalformedAnswerException.class,
      () -> decoder.feed(head, 0, head.length()));
    assertEquals("malformed AGGREGATE answer: not BAD", e.getMessage());
  }

  /** Each entry is there as soon as its last byte is: a large answer is never decoded in one piece. */
  @Example
  void anEntryCompletesWithItsLastByte() {
    Buffer payload = encode(List.of(AggregateEntry.found(Buffer.buffer("K1"), Buffer.buffer("one")),
      AggregateEntry.found(Buffer.buffer("K2"), Buffer.buffer("two"))));
    EntryDecoder decoder = EntryDecoder.sharing(payload.length(), (index, target) -> { });
    int firstEnds = (int) ResponseEncoder.entryLength(AggregateEntry.found(Buffer.buffer("K1"), Buffer.buffer("one")));
    decoder.feed(payload, 0, firstEnds - 1);
    assertEquals(0, decoder.entries().size());
    decoder.feed(payload, firstEnds - 1, firstEnds + 1);
    assertEquals(1, decoder.entries().size());
    assertTrue(!decoder.complete());
    decoder.feed(payload, firstEnds + 1, payload.length());
    assertEquals(2, decoder.entries().size());
    assertTrue(decoder.complete());
  }

  @Example
  void anEmptyPayloadHasNoEntries() {
    assertEquals(List.of(), EntryDecoder.decode(Buffer.buffer()));
  }

  @Example
  void anUnknownStatusIsNamed() {
    Buffer payload = encode(List.of(AggregateEntry.notFound(Buffer.buffer("K"))));
    payload.setUnsignedByte(0, (short) 5);
    MalformedAnswerException e = assertThrows(MalformedAnswerException.class, () -> EntryDecoder.decode(payload));
    assertEquals("malformed AGGREGATE answer: unknown entry status 5 (byte 0)", e.getMessage());
  }

  @Example
  void aDataLengthPastTheEndIsNamed() {
    Buffer payload = Buffer.buffer().appendUnsignedByte((short) 0).appendUnsignedShort(1).appendString("K")
      .appendInt(-1).appendString("short");
    MalformedAnswerException e = assertThrows(MalformedAnswerException.class, () -> EntryDecoder.decode(payload));
    assertEquals("malformed AGGREGATE answer: the answer ends inside an entry's data (byte 8)", e.getMessage());
  }
}
