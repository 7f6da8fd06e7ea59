package io.multiverse9.bench;

import io.vertx.core.buffer.Buffer;

/**
 * Where one answer ends in what a server sent, and whether it reports a failure: the load generator speaks the
 * node's protocol, or Redis's own ({@code bench --redis}), so that both are measured by the same code.
 */
interface AnswerFraming {

  /** Answers bigger than this are a broken server, not a benchmark. */
  long MAX_ANSWER_BYTES = 256L * 1024 * 1024;

  /**
   * @return the offset just past the answer that starts at {@code from}, or -1 while it is not all in yet
   * @throws IllegalStateException when the bytes cannot be the start of an answer
   */
  int end(Buffer buffer, int from, int to);

  /** @return {@code null} when the answer in {@code [from, end)} is a success, else what it reports */
  String failure(Buffer buffer, int from, int end);

  /** The text an answer carries (a CREATE answer of a node carries the new key). */
  String payload(Buffer buffer, int from, int end);
}
