package io.multiverse9.wire;

import io.vertx.core.buffer.Buffer;

/**
 * Reads the payload of one answer as its bytes come off the socket, so that the owner of a request decides what
 * of a large answer is held, and no answer is parsed in one piece on the event loop (SPEC 1.6). A
 * {@link FrameChannel} asks the request's {@link Start} for a reader once the answer's header is in, then hands it
 * the payload in order, read by read, then asks for the answer.
 *
 * <p>A reader that cannot trust the bytes throws from {@link Start#start} or {@link #read} (an answer announced
 * over a limit, a malformed one): the connection is closed and every request on it fails, its framing being
 * worthless. One that read a well-formed answer which means the request failed (an error status) throws from
 * {@link #answer}: that request fails alone and the connection stays.
 */
public interface AnswerReader<T> {

  /** Chooses how an answer is read from its header. */
  @FunctionalInterface
  interface Start<T> {
    /** @param length the payload's announced length, before any of it is read */
    AnswerReader<T> start(int status, long length);
  }

  /**
   * The payload's next bytes, {@code bytes} from {@code from} to {@code to}. The read is the reader's to keep
   * slices of: a socket hands each read over and keeps no part of it.
   */
  void read(Buffer bytes, int from, int to);

  /** Once the whole payload was read: the answer. */
  T answer();
}
