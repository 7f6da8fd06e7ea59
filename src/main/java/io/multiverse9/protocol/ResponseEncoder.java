package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Writes replies: binary frames {@code status u16 | length u32 | payload} (SPEC 1.1), and through the form's own
 * writer the others ({@link TextAnswers}: one JSON line, SPEC 1.5; {@link RespAnswers}: RESP2, SPEC 1.7).
 * Stateless; appends to a caller's buffer, or writes into a caller's array, so that a batch of answers goes out in one
 * write.
 */
public final class ResponseEncoder {

  private ResponseEncoder() {
  }

  public static Buffer encode(Reply reply, Form form) {
    return appendTo(Buffer.buffer(64), reply, form);
  }

  /** The one dispatch on the form of an answer: each form writes its answers in a class of its own. */
  public static Buffer appendTo(Buffer out, Reply reply, Form form) {
    return switch (form) {
      case BINARY -> appendBinary(out, reply);
      case TEXT -> TextAnswers.append(out, reply);
      case RESP -> RespAnswers.append(out, reply);
    };
  }

  /**
   * The length of {@code reply} as a binary frame, without encoding it: what a node counts against its memory
   * limits for an answer not yet written. Exact where {@link #exactBinaryLength} is; an error is counted at three
   * bytes a character and a METADATA answer at a fixed, generous size.
   */
  public static long binaryLength(Reply reply) {
    long exact = exactBinaryLength(reply);
    if (exact >= 0) {
      return exact;
    }
    if (reply instanceof Reply.Error err) {
      return FrameHeader.BYTES + err.message().length() * 3L;
    } else if (reply instanceof Reply.Line line) {
      return FrameHeader.BYTES + line.line().length() * 3L;
    }
    return FrameHeader.BYTES + METADATA_ALLOWANCE;
  }

  /**
   * The length of {@code reply} as a binary frame when it is known without encoding it, else -1 (METADATA, errors):
   * the replies {@link #encodeBinary} writes, straight into an array of their exact size.
   */
  public static long exactBinaryLength(Reply reply) {
    if (reply instanceof Reply.Entries e) {
      return FrameHeader.BYTES + e.payloadLength();
    } else if (reply instanceof Reply.Created c) {
      return FrameHeader.BYTES + (long) c.key().length();
    } else if (reply instanceof Reply.Removed) {
      return FrameHeader.BYTES + 4;
    } else if (reply instanceof Reply.Pong p) {
      return FrameHeader.BYTES + (long) p.echo().length();
    } else if (reply instanceof Reply.Authenticated || reply instanceof Reply.Goodbye) {
      return FrameHeader.BYTES;
    }
    return -1;
  }

  /** The length of {@code entries} as the payload of a binary AGGREGATE answer. */
  public static long payloadLength(List<AggregateEntry> entries) {
    long length = 0;
    for (AggregateEntry entry : entries) {
      length += entryLength(entry);
    }
    return length;
  }

  /** {@code status u8 | target_len u16 | target | data_len u32 | data}: 7 bytes and the two fields. */
  public static long entryLength(AggregateEntry entry) {
    return 7L + entry.target().length() + entry.data().length();
  }

  private static final int METADATA_ALLOWANCE = 4096;

  // --- binary ---

  private static Buffer appendBinary(Buffer out, Reply reply) {
    long exact = exactBinaryLength(reply);
    if (exact >= 0) {
      byte[] frame = new byte[Math.toIntExact(exact)]; // an answer is bounded by limits.max_answer_bytes
      encodeBinary(reply, frame, 0);
      return out.appendBytes(frame);
    }
    out.appendUnsignedShort(reply.status().code());
    int lengthAt = out.length();
    out.appendInt(0);
    if (reply instanceof Reply.Metadata m) {
      out.appendBuffer(m.json().toBuffer());
    } else if (reply instanceof Reply.Error err) {
      out.appendString(err.message(), "UTF-8");
    } else if (reply instanceof Reply.Line line) {
      out.appendString(line.line(), "UTF-8");
    }
    out.setInt(lengthAt, out.length() - lengthAt - 4);
    return out;
  }

  /**
   * Writes {@code reply} as a binary frame into {@code into} from {@code at}, where its
   * {@link #exactBinaryLength} must fit, and returns where the frame ends. A node writes a turn's answers of known
   * length this way into one array it then hands to the socket as it is: a {@code Buffer} checks bounds and
   * capacity on every append, and an array appended to one is copied a second time.
   *
   * @throws IllegalArgumentException for a reply whose length is not known before it is encoded
   */
  public static int encodeBinary(Reply reply, byte[] into, int at) {
    int payloadAt = at + FrameHeader.BYTES;
    int end;
    if (reply instanceof Reply.Entries e) {
      end = writeEntries(e.entries(), into, payloadAt);
      if (end - payloadAt != e.payloadLength()) {
        // a frame whose length field and size disagree would desynchronise the client's framing for good
        throw new IllegalStateException("the entries were counted as " + e.payloadLength() + " bytes but are "
          + (end - payloadAt));
      }
    } else if (reply instanceof Reply.Created c) {
      end = writeAscii(c.key(), into, payloadAt);
    } else if (reply instanceof Reply.Removed r) {
      end = writeInt((int) r.count(), into, payloadAt);
    } else if (reply instanceof Reply.Pong p) {
      Buffer echo = p.echo();
      int length = echo.length();
      echo.getBytes(0, length, into, payloadAt);
      end = payloadAt + length;
    } else if (reply instanceof Reply.Authenticated || reply instanceof Reply.Goodbye) {
      end = payloadAt;
    } else {
      throw new IllegalArgumentException("the length of " + reply.getClass().getSimpleName()
        + " is not known before it is encoded");
    }
    FrameHeader.write(into, at, reply.status().code(), end - payloadAt);
    return end;
  }

  /**
   * {@code entries} as AGGREGATE entries, each {@code status u8 | target_len u16 | target | data_len u32 | data}
   * (SPEC 1.3), for messages between JVMs; answers to clients go through {@link #encodeBinary}. Both are written by
   * {@link #writeEntries}.
   */
  public static Buffer appendEntries(Buffer out, List<AggregateEntry> entries) {
    byte[] bytes = new byte[Math.toIntExact(payloadLength(entries))]; // bounded by limits.max_answer_bytes
    writeEntries(entries, bytes, 0);
    return out.appendBytes(bytes);
  }

  /**
   * The one writer of AGGREGATE entries: into an array, where the caller has made room for their
   * {@link #payloadLength}, because a {@code Buffer} checks bounds and capacity on every append, five per entry,
   * which costs more than the entries' bytes. Returns where the entries end.
   */
  private static int writeEntries(List<AggregateEntry> entries, byte[] into, int at) {
    for (AggregateEntry entry : entries) {
      Buffer target = entry.target();
      Buffer data = entry.data();
      int targetLength = target.length();
      int dataLength = data.length();
      into[at] = (byte) entry.status().code();
      into[at + 1] = (byte) (targetLength >>> 8);
      into[at + 2] = (byte) targetLength;
      target.getBytes(0, targetLength, into, at + 3);
      at = writeInt(dataLength, into, at + 3 + targetLength);
      data.getBytes(0, dataLength, into, at);
      at += dataLength;
    }
    return at;
  }

  /** Big-endian, as every integer of the protocol; returns the index after it. */
  private static int writeInt(int value, byte[] into, int at) {
    into[at] = (byte) (value >>> 24);
    into[at + 1] = (byte) (value >>> 16);
    into[at + 2] = (byte) (value >>> 8);
    into[at + 3] = (byte) value;
    return at + 4;
  }

  /** A key is a ULID, so ASCII, one byte a character: any other character is written {@code ?}. */
  private static int writeAscii(String text, byte[] into, int at) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      into[at + i] = c < 0x80 ? (byte) c : (byte) '?';
    }
    return at + text.length();
  }
}
