package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Writes replies: binary frames {@code status u16 | length u32 | payload} (SPEC 1.1) or one JSON line (SPEC 1.5).
 * Stateless; appends to a caller's buffer so that a batch of answers goes out in one write.
 */
public final class ResponseEncoder {

  private ResponseEncoder() {
  }

  public static Buffer encode(Reply reply, Form form) {
    return appendTo(Buffer.buffer(64), reply, form);
  }

  public static Buffer appendTo(Buffer out, Reply reply, Form form) {
    return form == Form.TEXT ? appendText(out, reply) : appendBinary(out, reply);
  }

  /**
   * The length of {@code reply} as a binary frame, without encoding it: what a node counts against its memory
   * limits for an answer not yet written. A METADATA answer is counted at a fixed, generous size.
   */
  public static long binaryLength(Reply reply) {
    long payload;
    if (reply instanceof Reply.Created) {
      payload = 26;
    } else if (reply instanceof Reply.Removed) {
      payload = 4;
    } else if (reply instanceof Reply.Entries e) {
      payload = e.payloadLength();
    } else if (reply instanceof Reply.Pong p) {
      payload = p.echo().length();
    } else if (reply instanceof Reply.Error err) {
      payload = err.message().length() * 3L;
    } else {
      payload = METADATA_ALLOWANCE;
    }
    return 6 + payload;
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
    out.appendUnsignedShort(reply.status().code());
    int lengthAt = out.length();
    out.appendInt(0);
    if (reply instanceof Reply.Created c) {
      out.appendString(c.key(), "US-ASCII");
    } else if (reply instanceof Reply.Removed r) {
      out.appendUnsignedInt(r.count());
    } else if (reply instanceof Reply.Entries e) {
      appendEntries(out, e.entries(), e.payloadLength());
    } else if (reply instanceof Reply.Metadata m) {
      out.appendBuffer(m.json().toBuffer());
    } else if (reply instanceof Reply.Pong p) {
      out.appendBuffer(p.echo());
    } else if (reply instanceof Reply.Error err) {
      out.appendString(err.message(), "UTF-8");
    }
    out.setInt(lengthAt, out.length() - lengthAt - 4);
    return out;
  }

  /**
   * {@code entries} as AGGREGATE entries, each {@code status u8 | target_len u16 | target | data_len u32 | data}
   * (SPEC 1.3): the one writer of that structure, for answers to clients and messages between JVMs alike.
   */
  public static Buffer appendEntries(Buffer out, List<AggregateEntry> entries) {
    return appendEntries(out, entries, payloadLength(entries));
  }

  /**
   * Written into one array of their exact size, {@code length}, and appended at once: a {@code Buffer} checks
   * bounds and capacity on every append, five per entry, which costs more than the copy.
   */
  private static Buffer appendEntries(Buffer out, List<AggregateEntry> entries, long length) {
    byte[] bytes = new byte[Math.toIntExact(length)]; // an answer is bounded by limits.max_answer_bytes
    int at = 0;
    for (AggregateEntry entry : entries) {
      Buffer target = entry.target();
      Buffer data = entry.data();
      int targetLength = target.length();
      int dataLength = data.length();
      bytes[at] = (byte) entry.status().code();
      bytes[at + 1] = (byte) (targetLength >>> 8);
      bytes[at + 2] = (byte) targetLength;
      target.getBytes(0, targetLength, bytes, at + 3);
      at += 3 + targetLength;
      bytes[at] = (byte) (dataLength >>> 24);
      bytes[at + 1] = (byte) (dataLength >>> 16);
      bytes[at + 2] = (byte) (dataLength >>> 8);
      bytes[at + 3] = (byte) dataLength;
      data.getBytes(0, dataLength, bytes, at + 4);
      at += 4 + dataLength;
    }
    return out.appendBytes(bytes);
  }

  // --- text ---

  private static Buffer appendText(Buffer out, Reply reply) {
    JsonObject json = new JsonObject().put("status", reply.status().name());
    if (reply instanceof Reply.Created c) {
      json.put("key", c.key());
    } else if (reply instanceof Reply.Removed r) {
      json.put("removed", r.count());
    } else if (reply instanceof Reply.Entries e) {
      JsonArray entries = new JsonArray();
      for (AggregateEntry entry : e.entries()) {
        entries.add(textEntry(entry));
      }
      json.put("entries", entries);
    } else if (reply instanceof Reply.Metadata m) {
      json.put("metadata", m.json());
    } else if (reply instanceof Reply.Pong p) {
      putValue(json, p.echo());
    } else if (reply instanceof Reply.Error err) {
      json.put("message", err.message());
    }
    return out.appendBuffer(json.toBuffer()).appendByte((byte) '\n');
  }

  private static JsonObject textEntry(AggregateEntry entry) {
    JsonObject json = new JsonObject()
      .put("target", entry.target().toString(StandardCharsets.UTF_8))
      .put("status", entry.status().name());
    switch (entry.status()) {
      case FOUND -> putValue(json, entry.data());
      case NOT_FOUND -> { }
      default -> json.put("message", entry.data().toString(StandardCharsets.UTF_8));
    }
    return json;
  }

  /** A value that is not valid UTF-8 is shown as {@code value_base64} (SPEC 1.5). */
  private static void putValue(JsonObject json, Buffer value) {
    byte[] bytes = value.getBytes();
    String text = strictUtf8(bytes);
    if (text != null) {
      json.put("value", text);
    } else {
      json.put("value_base64", Base64.getEncoder().encodeToString(bytes));
    }
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
