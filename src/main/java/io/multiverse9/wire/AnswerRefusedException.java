package io.multiverse9.wire;

/** An {@link AnswerReader} will not take an answer, from its header: its connection is closed, unread. */
public final class AnswerRefusedException extends RuntimeException {

  public AnswerRefusedException(String message) {
    super(message, null, false, false);
  }
}
