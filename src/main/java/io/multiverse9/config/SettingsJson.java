package io.multiverse9.config;

import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

/**
 * Turns the text of a settings file into a {@link JsonObject}, with Vert.x's own JSON reader (comments allowed, as
 * in {@code new JsonObject(text)}). A syntax error is reported as the source, line and column and what was
 * expected there, in our words: Jackson's messages quote the text at the error, which may be a token that must
 * never reach a log (SPEC 3), so neither they nor the exception carrying them go any further.
 */
public final class SettingsJson {

  /** A UTF-8 byte-order mark, as some Windows editors write at the start of a file: not part of the JSON. */
  private static final char BYTE_ORDER_MARK = '\uFEFF';

  private SettingsJson() {
  }

  /**
   * @param source how to name the text in an error, e.g. the file's path
   * @throws SettingsException naming {@code source}, line and column, never quoting the text
   */
  public static JsonObject parseObject(String text, String source) {
    String json = !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
    if (json.isBlank()) {
      throw new SettingsException(source + " is empty; expected one JSON object {...} of settings");
    }
    JsonParser parser = JacksonCodec.createParser(json);
    Object value;
    try {
      value = JacksonCodec.fromParser(parser, Object.class);
    } catch (DecodeException e) {
      throw syntaxError(source, json, parser, e);
    }
    if (!(value instanceof JsonObject object)) {
      throw new SettingsException(source + ": expected one JSON object {...} of settings, found "
        + (value == null ? "null" : value instanceof String ? "a string" : value instanceof Number ? "a number"
        : value instanceof Boolean ? "true or false" : "a list [...]"));
    }
    return object;
  }

  private static SettingsException syntaxError(String source, String json, JsonParser parser, DecodeException e) {
    boolean trailing = e.getCause() == null && parser.currentToken() != null; // Vert.x's own "trailing token"
    // Vert.x wraps Jackson's exception, which knows where it stopped; Vert.x's own errors leave the parser there
    JsonLocation where = e.getCause() instanceof JsonProcessingException jackson && jackson.getLocation() != null
      ? jackson.getLocation() : trailing ? parser.currentTokenLocation() : parser.currentLocation();
    if (e.getCause() instanceof JsonEOFException) {
      return new SettingsException(source + " line " + where.getLineNr() + " column " + where.getColumnNr()
        + ": the text ends inside " + (parser.getParsingContext().inArray() ? "a list [...]" : "an object {...}")
        + "; expected " + expected(parser) + " (is a closing } or ] or \" missing?)");
    }
    // Jackson reports a word it does not know (a token someone forgot to quote) at its end; people look for its
    // start. Its message is only looked at here, never passed on.
    boolean afterWord = e.getCause() instanceof JsonProcessingException jackson
      && String.valueOf(jackson.getOriginalMessage()).startsWith("Unrecognized token");
    return new SettingsException(source + " " + position(json, where, afterWord) + ": unexpected character; expected "
      + (trailing ? "nothing after the closing }" : expected(parser)));
  }

  /** "line L column C" of where the reader stopped, or of the start of the word it stopped after. */
  private static String position(String json, JsonLocation where, boolean afterWord) {
    long offset = where.getCharOffset();
    if (offset < 0 || offset > json.length()) {
      return "line " + where.getLineNr() + " column " + where.getColumnNr();
    }
    int at = (int) offset;
    while (afterWord && at > 0 && Character.isJavaIdentifierPart(json.charAt(at - 1))) {
      at--;
    }
    int lineStart = json.lastIndexOf('\n', at - 1) + 1;
    long line = json.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    return "line " + line + " column " + (at - lineStart + 1);
  }

  /** What may come next where the parser stopped, from where it is in the document (never from the text). */
  private static String expected(JsonParser parser) {
    JsonStreamContext context = parser.getParsingContext();
    if (context == null || context.inRoot()) {
      return parser.currentToken() == null ? "a JSON object {...}" : "nothing after the closing }";
    }
    if (context.inArray()) {
      return parser.currentToken() == JsonToken.START_ARRAY ? "a JSON value or ]" : "a comma and a JSON value, or ]";
    }
    if (parser.currentToken() == JsonToken.FIELD_NAME) {
      return "a JSON value (a quoted string, number, true, false, null, object or array)";
    }
    return parser.currentToken() == JsonToken.START_OBJECT ? "a quoted field name or }"
      : "a comma and a quoted field name, or }";
  }
}
