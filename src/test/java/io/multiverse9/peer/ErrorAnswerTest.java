package io.multiverse9.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.protocol.EntryStatus;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** A peer's error answer becomes the message of each of its entries, so only its start is kept. */
class ErrorAnswerTest {

  @Test
  void aShortMessageIsKeptWhole() {
    Buffer message = Buffer.buffer("not acknowledged");
    ErrorAnswer answer = new ErrorAnswer("127.0.0.9:7002", 3, message.length());
    answer.read(message, 0, message.length());
    PeerException e = assertThrows(PeerException.class, answer::answer);
    assertEquals(EntryStatus.FORBIDDEN, e.status());
    assertEquals("127.0.0.9:7002 refused us: not acknowledged", e.getMessage());
  }

  /** A megabyte of message, in reads of 4 KiB: read to the end (the framing goes on), a kilobyte kept. */
  @Test
  void aLongMessageIsReadButOnlyItsStartKept() {
    Buffer read = Buffer.buffer("x".repeat(4096));
    int length = 1 << 20;
    ErrorAnswer answer = new ErrorAnswer("127.0.0.9:7002", 5, length);
    for (int at = 0; at < length; at += read.length()) {
      answer.read(read, 0, read.length());
    }
    PeerException e = assertThrows(PeerException.class, answer::answer);
    assertEquals(EntryStatus.UNAVAILABLE, e.status());
    assertTrue(e.getMessage().length() < ErrorAnswer.MAX_MESSAGE_BYTES + 100, e.getMessage().length() + " chars");
    assertTrue(e.getMessage().startsWith("127.0.0.9:7002 answered UNAVAILABLE: xxx"), e.getMessage());
    assertTrue(e.getMessage().endsWith("... (1048576 bytes)"), e.getMessage());
  }
}
