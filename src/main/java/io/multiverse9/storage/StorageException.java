package io.multiverse9.storage;

import io.multiverse9.protocol.Status;

/** A storage request that failed, with the status to answer the client with (usually UNAVAILABLE). */
public final class StorageException extends RuntimeException {

  private final Status status;

  public StorageException(Status status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
