package io.multiverse9.cluster;

/** A cluster this JVM may not or cannot join; the message is one line for the operator and quotes no key. */
public final class ClusterException extends RuntimeException {

  public ClusterException(String message) {
    super(message);
  }

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
