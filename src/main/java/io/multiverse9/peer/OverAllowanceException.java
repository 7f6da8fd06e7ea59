package io.multiverse9.peer;

/**
 * A peer's answer announced more bytes than the request it answers may hold (SPEC 1.6, requests already read):
 * it was read past and dropped, not kept, and the request is asked again once it may hold {@link #needed}.
 */
public final class OverAllowanceException extends RuntimeException {

  private final long needed;

  public OverAllowanceException(long needed) {
    super("the answer is " + needed + " bytes, more than the request may hold now", null, false, false);
    this.needed = needed;
  }

  public long needed() {
    return needed;
  }
}
