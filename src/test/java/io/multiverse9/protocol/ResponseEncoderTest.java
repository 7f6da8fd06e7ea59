package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Answers byte for byte (SPEC 1.1, 1.3) and as JSON lines (SPEC 1.5); a reply of known length written into an array
 * at any offset, alone or after others, is the same bytes as the same reply appended to a buffer, and as a frame
 * built field by field here.
 */
class ResponseEncoderTest {

  static byte[] binary(Reply reply) {
    return ResponseEncoder.encode(reply, Form.BINARY).getBytes();
  }

  static JsonObject text(Reply reply) {
    String line = ResponseEncoder.encode(reply, Form.TEXT).toString();
    assertEquals('\n', line.charAt(line.length() - 1));
    assertFalse(line.substring(0, line.length() - 1).contains("\n"), "one line");
    return new JsonObject(line);
  }

  @Test
  void removedIsAU32() {
    assertArrayEquals(new byte[] {
      0x00, 0x00,             // OK
      0x00, 0x00, 0x00, 0x04, // length 4
      0x00, 0x00, 0x01, 0x02  // 258 removed
    }, binary(new Reply.Removed(258)));
  }

  @Test
  void entriesInBinary() {
    Reply reply = new Reply.Entries(List.of(
      AggregateEntry.found(Buffer.buffer("K1"), Buffer.buffer(new byte[] {0, (byte) 0xFF})),
      AggregateEntry.notFound(Buffer.buffer("K2")),
      AggregateEntry.failed(EntryStatus.INVALID_KEY, Buffer.buffer("x"), "no")));
    assertArrayEquals(new byte[] {
      0x00, 0x00, 0x00, 0x00, 0x00, 0x1E,             // OK, 30 bytes
      0x00, 0x00, 0x02, 'K', '1', 0, 0, 0, 2, 0, -1, // FOUND "K1" 2 bytes 00 FF
      0x01, 0x00, 0x02, 'K', '2', 0, 0, 0, 0,        // NOT_FOUND "K2" no data
      0x02, 0x00, 0x01, 'x', 0, 0, 0, 2, 'n', 'o'    // INVALID_KEY "x" "no"
    }, binary(reply));
  }

  @Test
  void errorsCarryTheirStatusAndMessage() {
    assertArrayEquals(new byte[] {0x00, 0x03, 0, 0, 0, 2, 'n', 'o'}, binary(Reply.error(Status.FORBIDDEN, "no")));
    assertEquals(new JsonObject().put("status", "FORBIDDEN").put("message", "no"),
      text(Reply.error(Status.FORBIDDEN, "no")));
  }

  @Test
  void textForms() {
    assertEquals("01ARZ3NDEKTSV4RRFFQ69G5FAV", text(new Reply.Created("01ARZ3NDEKTSV4RRFFQ69G5FAV")).getString("key"));
    assertEquals(3, text(new Reply.Removed(3)).getInteger("removed"));
    JsonObject entries = text(new Reply.Entries(List.of(
      AggregateEntry.found(Buffer.buffer("K1"), Buffer.buffer("héllo")),
      AggregateEntry.found(Buffer.buffer("K2"), Buffer.buffer(new byte[] {0, (byte) 0xFF, (byte) 0xFE})),
      AggregateEntry.notFound(Buffer.buffer("K3")))));
    assertEquals("héllo", entries.getJsonArray("entries").getJsonObject(0).getString("value"));
    JsonObject binaryValue = entries.getJsonArray("entries").getJsonObject(1);
    assertArrayEquals(new byte[] {0, (byte) 0xFF, (byte) 0xFE},
      Base64.getDecoder().decode(binaryValue.getString("value_base64")));
    assertFalse(binaryValue.containsKey("value"));
    assertEquals(new JsonObject().put("target", "K3").put("status", "NOT_FOUND"),
      entries.getJsonArray("entries").getJsonObject(2));
    assertEquals(new JsonObject().put("status", "OK"), text(new Reply.Authenticated()));
  }

  // --- replies of known length, written into an array (what a node does with a turn of them) ---

  /** Any bytes as a {@code Buffer}, sometimes a slice of a larger one, as targets and values are in a node. */
  static Arbitrary<Buffer> buffers(int maxSize) {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize);
    return Combinators.combine(bytes, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
      .as((b, before, after) -> before + after == 0 ? Buffer.buffer(b)
        : Buffer.buffer(new byte[before]).appendBytes(b).appendBytes(new byte[after]).slice(before, before + b.length));
  }

  @Provide
  Arbitrary<Reply> exactReplies() {
    Arbitrary<AggregateEntry> entry = Combinators.combine(Arbitraries.of(EntryStatus.values()), buffers(40),
      buffers(300)).as(AggregateEntry::new);
    return Arbitraries.oneOf(
      entry.list().ofMaxSize(8).map(Reply.Entries::new),
      Arbitraries.strings().ascii().ofMinLength(0).ofMaxLength(30).map(Reply.Created::new),
      Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(Reply.Removed::new),
      buffers(1024).map(Reply.Pong::new),
      Arbitraries.just(new Reply.Authenticated()));
  }

  @Provide
  Arbitrary<List<Reply>> turns() {
    return exactReplies().list().ofMaxSize(6);
  }

  /** The frame as SPEC 1.1 and 1.3 describe it, field by field, without the encoder. */
  static byte[] frame(Reply reply) {
    Buffer payload = Buffer.buffer();
    if (reply instanceof Reply.Entries e) {
      for (AggregateEntry entry : e.entries()) {
        payload.appendUnsignedByte((short) entry.status().code())
          .appendUnsignedShort(entry.target().length()).appendBuffer(entry.target())
          .appendInt(entry.data().length()).appendBuffer(entry.data());
      }
    } else if (reply instanceof Reply.Created c) {
      payload.appendString(c.key(), "US-ASCII");
    } else if (reply instanceof Reply.Removed r) {
      payload.appendUnsignedInt(r.count());
    } else if (reply instanceof Reply.Pong p) {
      payload.appendBuffer(p.echo());
    }
    return Buffer.buffer().appendUnsignedShort(reply.status().code()).appendInt(payload.length())
      .appendBuffer(payload).getBytes();
  }

  @Property
  void aReplyWrittenAtAnOffsetIsTheFrameAndTouchesNothingElse(@ForAll("exactReplies") Reply reply,
      @ForAll @IntRange(max = 40) int at, @ForAll @IntRange(max = 40) int after) {
    byte[] expected = frame(reply);
    assertEquals(expected.length, ResponseEncoder.exactBinaryLength(reply));
    assertEquals(expected.length, ResponseEncoder.binaryLength(reply), "counted as what it is");
    byte[] into = new byte[at + expected.length + after];
    Arrays.fill(into, (byte) 0x5A);
    assertEquals(at + expected.length, ResponseEncoder.encodeBinary(reply, into, at));
    assertArrayEquals(expected, Arrays.copyOfRange(into, at, at + expected.length));
    assertArrayEquals(expected, binary(reply), "the buffer path writes the same bytes");
    for (int i = 0; i < into.length; i++) {
      if (i < at || i >= at + expected.length) {
        assertEquals(0x5A, into[i], "byte " + i + " is outside the frame");
      }
    }
  }

  @Property
  void repliesWrittenOneAfterAnotherAreTheirFramesInOrder(@ForAll("turns") List<Reply> replies) {
    long total = 0;
    Buffer appended = Buffer.buffer();
    for (Reply reply : replies) {
      total += ResponseEncoder.exactBinaryLength(reply);
      ResponseEncoder.appendTo(appended, reply, Form.BINARY);
    }
    byte[] into = new byte[(int) total];
    int at = 0;
    List<byte[]> frames = new ArrayList<>();
    for (Reply reply : replies) {
      at = ResponseEncoder.encodeBinary(reply, into, at);
      frames.add(frame(reply));
    }
    assertEquals(total, at, "the array is filled exactly");
    Buffer expected = Buffer.buffer();
    frames.forEach(expected::appendBytes);
    assertArrayEquals(expected.getBytes(), into);
    assertArrayEquals(appended.getBytes(), into);
  }

  @Test
  void metadataAndErrorsHaveNoExactLengthAndAreNotWrittenIntoAnArray() {
    Reply metadata = new Reply.Metadata(new JsonObject().put("name", "n"));
    Reply error = Reply.error(Status.BAD_REQUEST, "no");
    assertEquals(-1, ResponseEncoder.exactBinaryLength(metadata));
    assertEquals(-1, ResponseEncoder.exactBinaryLength(error));
    assertThrows(IllegalArgumentException.class, () -> ResponseEncoder.encodeBinary(metadata, new byte[8192], 0));
    assertThrows(IllegalArgumentException.class, () -> ResponseEncoder.encodeBinary(error, new byte[8192], 0));
  }

  /** Entries counted at one length and written at another would leave the client's framing off for good. */
  @Test
  void entriesWhoseCountedLengthIsWrongAreRefused() {
    List<AggregateEntry> entries = List.of(AggregateEntry.found(Buffer.buffer("K"), Buffer.buffer("value")));
    long right = ResponseEncoder.payloadLength(entries);
    assertThrows(IllegalStateException.class,
      () -> ResponseEncoder.encodeBinary(new Reply.Entries(entries, right - 1), new byte[100], 0));
    assertThrows(IllegalStateException.class,
      () -> ResponseEncoder.encodeBinary(new Reply.Entries(entries, right + 1), new byte[100], 0));
  }
}
