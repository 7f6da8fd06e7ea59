package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * One decoded request. Text lines are translated into the payload a binary frame would carry, so the rest of
 * the node handles both forms alike and only the answer's encoding depends on {@link #form()}.
 *
 * @param opcode the opcode, or {@code null} when the request names none that v1 knows
 * @param command what the client sent as the opcode, for error messages ({@code 0x0009} or the text command)
 * @param payload the payload; for REMOVE and AGGREGATE a 0x00-separated list
 * @param form how the request arrived
 */
public record Request(Opcode opcode, String command, Buffer payload, Form form) {

  public static Request binary(int code, Buffer payload) {
    return new Request(Opcode.valueOf(code), String.format("0x%04X", code), payload, Form.BINARY);
  }
}
