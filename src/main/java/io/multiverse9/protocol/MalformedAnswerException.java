package io.multiverse9.protocol;

/**
 * An answer from a node that does not follow SPEC 1.3: what was wrong, and where. Whoever reads such an answer
 * can no longer trust the connection it came on.
 */
public final class MalformedAnswerException extends RuntimeException {

  public MalformedAnswerException(String message) {
    super(message, null, false, false);
  }
}
