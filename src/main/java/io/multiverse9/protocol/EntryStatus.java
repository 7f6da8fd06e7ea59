package io.multiverse9.protocol;

/** Status of one AGGREGATE entry (SPEC 1.3), one byte on the wire. */
public enum EntryStatus {
  FOUND(0),
  NOT_FOUND(1),
  INVALID_KEY(2),
  FORBIDDEN(3),
  UNAVAILABLE(4);

  private static final EntryStatus[] BY_CODE = WireCodes.byCode(values(), EntryStatus::code);

  private final int code;

  EntryStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The entry status for a wire value, or {@code null} when unknown. */
  public static EntryStatus valueOf(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
