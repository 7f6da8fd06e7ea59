package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers in RESP2 byte for byte (SPEC 1.7), as a Redis client reads them. */
class RespAnswersTest {

  static String resp(Reply reply) {
    return ResponseEncoder.encode(reply, Form.RESP).toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aKeyIsABulkStringACountAnIntegerAndAuthPlainOk() {
    assertEquals("$26\r\n01ARZ3NDEKTSV4RRFFQ69G5FAV\r\n", resp(new Reply.Created("01ARZ3NDEKTSV4RRFFQ69G5FAV")));
    assertEquals(":3\r\n", resp(new Reply.Removed(3)));
    assertEquals("+OK\r\n", resp(new Reply.Authenticated()));
    assertEquals("+OK\r\n", resp(new Reply.Goodbye()));
  }

  @Test
  void pingAloneIsPongAndPingWithBytesEchoesThemAsRedisDoes() {
    assertEquals("+PONG\r\n", resp(new Reply.Pong(Buffer.buffer())));
    assertEquals("$5\r\nhe\r\nl\r\n", resp(new Reply.Pong(Buffer.buffer("he\r\nl"))));
  }

  @Test
  void anAggregateIsAnArrayOfBulkNilAndErrorElementsInTargetOrder() {
    Buffer k = Buffer.buffer("K");
    Reply entries = new Reply.Entries(List.of(
      AggregateEntry.found(k, Buffer.buffer(new byte[] {0, '\r', '\n', (byte) 0xFF})),
      AggregateEntry.notFound(k),
      AggregateEntry.failed(EntryStatus.FORBIDDEN, k, "the address is not in nodes"),
      AggregateEntry.failed(EntryStatus.INVALID_KEY, k, "not a ULID"),
      AggregateEntry.failed(EntryStatus.UNAVAILABLE, k, "peer timed out\r\nafter 2 s"),
      AggregateEntry.found(k, Buffer.buffer())));
    assertEquals("*6\r\n$4\r\n\0\r\n\u00ff\r\n$-1\r\n-FORBIDDEN the address is not in nodes\r\n"
      + "-INVALID_KEY not a ULID\r\n-UNAVAILABLE peer timed out  after 2 s\r\n$0\r\n\r\n", resp(entries));
  }

  @Test
  void errorsCarryTheirStatusNameAndAnUnknownCommandIsErrAsRedisClientsExpect() {
    assertEquals("-FORBIDDEN send AUTH first\r\n", resp(Reply.error(Status.FORBIDDEN, "send AUTH first")));
    assertEquals("-BUSY full\r\n", resp(Reply.error(Status.BUSY, "full")));
    assertEquals("-ERR unknown command \"X\"\r\n", resp(Reply.error(Status.UNKNOWN_OPCODE, "unknown command \"X\"")));
    assertEquals("-TOO_LARGE two lines\r\n", resp(Reply.error(Status.TOO_LARGE, "two\nlines")), "one line");
    assertEquals("-NOPROTO no\r\n", resp(new Reply.Line("-NOPROTO no")));
  }

  @Test
  void hello2IsTheMapRedisAnswersWithWrittenAsRespTwoWritesAMap() {
    assertEquals("*4\r\n$6\r\nserver\r\n$11\r\nmultiverse9\r\n$5\r\nproto\r\n:2\r\n", resp(new Reply.Hello()));
  }

  @Test
  void metadataIsABulkStringOfItsJson() {
    JsonObject json = new JsonObject().put("name", "é");
    byte[] bytes = json.toBuffer().getBytes();
    assertEquals("$" + bytes.length + "\r\n" + new String(bytes, StandardCharsets.ISO_8859_1) + "\r\n",
      resp(new Reply.Metadata(json)));
  }
}
