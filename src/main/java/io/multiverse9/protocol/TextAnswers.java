package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The answers of the text form (SPEC 1.5): one JSON object a line. */
final class TextAnswers {

  private TextAnswers() {
  }

  static Buffer append(Buffer out, Reply reply) {
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
