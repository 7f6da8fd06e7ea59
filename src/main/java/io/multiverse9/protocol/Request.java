package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * One decoded request. Text lines and RESP arrays are translated into the payload a binary frame would carry, so
 * the rest of the node handles every form alike and only the answer's encoding depends on {@link #form()}.
 *
 * @param opcode the opcode, or {@code null} when the request names none that v1 knows
 * @param code the binary opcode as sent, or -1 for a text line or a RESP array
 * @param text the command name as sent, or {@code null} for a binary frame
 * @param payload the payload; for REMOVE and AGGREGATE a 0x00-separated list
 * @param form how the request arrived
 * @param known the answer when the form's decoder already knows it (the connection-time commands of Redis
 *     clients, SPEC 1.7), else {@code null}: it is answered in its turn like any other request
 */
public record Request(Opcode opcode, int code, String text, Buffer payload, Form form, Reply known) {

  private static final Buffer EMPTY = Buffer.buffer(0);

  public static Request binary(int code, Buffer payload) {
    return new Request(Opcode.valueOf(code), code, null, payload, Form.BINARY, null);
  }

  public static Request text(Opcode opcode, String command, Buffer payload) {
    return new Request(opcode, -1, command, payload, Form.TEXT, null);
  }

  public static Request resp(Opcode opcode, String command, Buffer payload) {
    return new Request(opcode, -1, command, payload, Form.RESP, null);
  }

  /** A RESP command the decoder answers itself, in its turn among the connection's answers. */
  public static Request answered(String command, Reply reply) {
    return new Request(null, -1, command, EMPTY, Form.RESP, reply);
  }

  /**
   * What the client sent as the opcode, for error messages: {@code 0x0009} or the command name, quoted (it is the
   * client's: quoted here, when a message needs it, not for every request).
   */
  public String command() {
    return text != null ? Keys.quote(text) : String.format("0x%04X", code);
  }
}
