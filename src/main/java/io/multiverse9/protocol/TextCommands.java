package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Translates a text line (SPEC 1.5) into the request a binary frame would carry: the command name up to the
 * first space, case-insensitive; for CREATE, PING and AUTH the payload is everything after that space, byte for
 * byte; for REMOVE and AGGREGATE the space-separated arguments become the 0x00-separated list.
 */
final class TextCommands {

  private TextCommands() {
  }

  /** @throws ProtocolException (not fatal) for a REMOVE or AGGREGATE line holding a 0x00 byte */
  static Request parse(Buffer line) {
    int space = indexOf(line, (byte) ' ');
    String command = line.getString(0, space < 0 ? line.length() : space, StandardCharsets.ISO_8859_1.name());
    Buffer rest = space < 0 ? Buffer.buffer(0) : line.getBuffer(space + 1, line.length());
    Opcode opcode = Opcode.forCommand(command);
    if (opcode == Opcode.REMOVE || opcode == Opcode.AGGREGATE) {
      // 0x00 separates the arguments of the binary form: one inside a text argument would split it in two
      if (indexOf(rest, (byte) 0) >= 0) {
        throw new ProtocolException(Status.BAD_REQUEST, Form.TEXT, false, opcode + " arguments are separated by "
          + "single spaces and cannot hold a 0x00 byte; nothing was done");
      }
      rest = spacesToZeros(rest);
    }
    return Request.text(opcode, command, rest);
  }

  private static Buffer spacesToZeros(Buffer args) {
    byte[] bytes = args.getBytes();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == ' ') {
        bytes[i] = 0;
      }
    }
    return Buffer.buffer(bytes);
  }

  /** Where {@code b} first is in {@code buffer}, or -1: also the RESP form's check of an argument. */
  static int indexOf(Buffer buffer, byte b) {
    for (int i = 0; i < buffer.length(); i++) {
      if (buffer.getByte(i) == b) {
        return i;
      }
    }
    return -1;
  }
}
