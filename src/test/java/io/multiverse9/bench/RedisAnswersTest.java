package io.multiverse9.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bench's reading of Redis replies: where each ends, whatever part of it has arrived, and which are errors. */
class RedisAnswersTest {

  private static final List<String> REPLIES = List.of(
    "+OK\r\n",
    "-ERR wrong number of arguments for 'set' command\r\n",
    ":1000\r\n",
    "$-1\r\n",
    "$0\r\n\r\n",
    "$12\r\nwith\r\ninside\r\n",
    "*0\r\n",
    "*-1\r\n",
    "*3\r\n$1\r\na\r\n$-1\r\n$2\r\nbc\r\n",
    "*2\r\n*1\r\n:1\r\n+OK\r\n");

  @Test
  void eachReplyEndsWhereItEndsAndNotBeforeItIsAllIn() {
    for (String reply : REPLIES) {
      Buffer whole = Buffer.buffer("xx" + reply + "+NEXT\r\n");
      int end = 2 + reply.length();
      assertEquals(end, RedisAnswers.INSTANCE.end(whole, 2, whole.length()), reply);
      for (int cut = 2; cut < end; cut++) {
        assertEquals(-1, RedisAnswers.INSTANCE.end(whole, 2, cut), "only " + (cut - 2) + " bytes of " + reply);
      }
    }
  }

  @Test
  void onlyErrorRepliesAreFailures() {
    for (String reply : REPLIES) {
      Buffer buffer = Buffer.buffer(reply);
      String failure = RedisAnswers.INSTANCE.failure(buffer, 0, buffer.length());
      if (reply.startsWith("-")) {
        assertEquals("ERR wrong number of arguments for 'set' command", failure);
      } else {
        assertNull(failure, reply);
      }
    }
  }

  @Test
  void bytesThatAreNotAReplyAreRefusedNotWaitedFor() {
    for (String garbage : List.of("HTTP/1.1 200 OK\r\n", "$abc\r\n", "*x\r\n", "$\r\n", "*-\r\n", "$1x\r\n",
      "$999999999999\r\n", "$99999999999999999999\r\n")) {
      Buffer buffer = Buffer.buffer(garbage);
      assertThrows(IllegalStateException.class, () -> RedisAnswers.INSTANCE.end(buffer, 0, buffer.length()),
        garbage);
    }
  }

  @Test
  void commandsGoOutAsArraysOfBulkStrings() {
    assertEquals("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\nv\r\nx\r\n$2\r\nNX\r\n",
      RedisCommand.encode("SET", "k", Buffer.buffer("v\r\nx"), "NX").toString());
  }
}
