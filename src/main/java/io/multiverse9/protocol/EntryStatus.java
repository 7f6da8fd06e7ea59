package io.multiverse9.protocol;

/** Status of one AGGREGATE entry (SPEC 1.3), one byte on the wire. */
public enum EntryStatus {
  FOUND(0),
  NOT_FOUND(1),
  INVALID_KEY(2),
  FORBIDDEN(3),
  UNAVAILABLE(4);

  /** Indexed by wire code, not by ordinal: the codes are the contract, the declaration order is not. */
  private static final EntryStatus[] BY_CODE = byCode();

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

  private static EntryStatus[] byCode() {
    int highest = 0;
    for (EntryStatus status : values()) {
      highest = Math.max(highest, status.code);
    }
    EntryStatus[] table = new EntryStatus[highest + 1];
    for (EntryStatus status : values()) {
      table[status.code] = status;
    }
    return table;
  }
}
