package io.multiverse9.protocol;

/**
 * The request opcodes of protocol v1 (SPEC 1.1). Every v1 opcode is below 0x0100, so the first byte of a
 * binary frame is always 0x00.
 */
public enum Opcode {
  CREATE(0x0001),
  REMOVE(0x0002),
  AGGREGATE(0x0003),
  METADATA(0x0004),
  PING(0x0005),
  AUTH(0x0006);

  private static final Opcode[] BY_CODE = WireCodes.byCode(values(), Opcode::code);

  private final int code;

  Opcode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The opcode for a wire value, or {@code null} when the value is not a v1 opcode. */
  public static Opcode valueOf(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** The opcode for a text command name in any case, or {@code null}. */
  public static Opcode forCommand(String name) {
    for (Opcode op : values()) {
      if (op.name().equalsIgnoreCase(name)) {
        return op;
      }
    }
    return null;
  }
}
