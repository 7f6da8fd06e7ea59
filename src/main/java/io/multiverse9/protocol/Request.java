package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * One decoded request. Text lines are translated into the payload a binary frame would carry, so the rest of
 * the node handles both forms alike and only the answer's encoding depends on {@link #form()}.
 *
 * @param opcode the opcode, or {@code null} when the request names none that v1 knows
 * @param code the binary opcode as sent, or -1 for a text line
 * @param text the text command as sent (quoted for messages), or {@code null} for a binary frame
 * @param payload the payload; for REMOVE and AGGREGATE a 0x00-separated list
 * @param form how the request arrived
 */
public record Request(Opcode opcode, int code, String text, Buffer payload, Form form) {

  public static Request binary(int code, Buffer payload) {
    return new Request(Opcode.valueOf(code), code, null, payload, Form.BINARY);
  }

  public static Request text(Opcode opcode, String command, Buffer payload) {
    return new Request(opcode, -1, command, payload, Form.TEXT);
  }

  /** What the client sent as the opcode, for error messages: {@code 0x0009} or the text command. */
  public String command() {
    return text != null ? text : String.format("0x%04X", code);
  }
}
