package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * One wire form's requests (SPEC 1.1, 1.5): what follows the first byte of a request that chose the form, read off
 * the {@link RequestDecoder}'s parser in the modes the form sets. A form is a state machine of its own; the decoder
 * only dispatches on the first byte, so a new form is a class of its own and one line of that dispatch.
 */
interface FormDecoder {

  /** The request's first byte, which chose this form: sets the parser's mode for what follows. */
  void begin(byte first);

  /**
   * A record the parser handed out in the mode this form set; the form hands a request or an error to the listener
   * when it has one, and calls {@link RequestDecoder#expectFirstByte} once the next byte starts a new request.
   */
  void onRecord(Buffer record);

  /** The parser holds more than it may in this form's mode: a fatal TOO_LARGE, in this form's words. */
  void onOverflow();

  /** Whether a record shorter than the parser was asked for is whole: a delimited line is, a fixed part is not. */
  default boolean takesShortRecords() {
    return false;
  }
}
