package io.multiverse9.protocol;

/** Response statuses (SPEC 1.1). Every status other than {@link #OK} carries a UTF-8 message for humans. */
public enum Status {
  OK(0x0000),
  BAD_REQUEST(0x0001),
  UNKNOWN_OPCODE(0x0002),
  FORBIDDEN(0x0003),
  TOO_LARGE(0x0004),
  UNAVAILABLE(0x0005),
  INTERNAL(0x0006),
  BUSY(0x0007);

  private static final Status[] BY_CODE = WireCodes.byCode(values(), Status::code);

  private final int code;

  Status(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The status for a wire value, or {@code null} when unknown. */
  public static Status valueOf(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
