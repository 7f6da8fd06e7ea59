package io.multiverse9.client;

import io.multiverse9.protocol.Status;

/** A request a node answered with an error status, or that could not be answered at all (UNAVAILABLE). */
public final class Mv9Exception extends RuntimeException {

  private final Status status;

  public Mv9Exception(Status status, String message) {
    super(status.name() + ": " + message, null, false, false);
    this.status = status;
  }

  /** The status the node answered, or {@link Status#UNAVAILABLE} when no answer came. */
  public Status status() {
    return status;
  }
}
