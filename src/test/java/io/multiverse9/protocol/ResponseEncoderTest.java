package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers byte for byte (SPEC 1.1, 1.3) and as JSON lines (SPEC 1.5). */
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
}
