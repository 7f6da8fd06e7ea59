package io.multiverse9.peer;

import io.multiverse9.protocol.EntryStatus;

/** A peer request that failed as a whole; every entry of that peer gets {@link #status()}. */
public final class PeerException extends RuntimeException {

  private final EntryStatus status;

  public PeerException(EntryStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public EntryStatus status() {
    return status;
  }
}
