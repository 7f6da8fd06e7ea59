package io.multiverse9.server;

/**
 * Where a connection is in its life, in order: each state allows less than the one before, and a connection only
 * moves down the list, but for the back and forth between reading and paused.
 */
enum Lifecycle {
  /** Reads requests. */
  READING,
  /** Reads nothing more for now: a limit of SPEC 1.6 is reached; it reads again as answers drain. */
  PAUSED,
  /**
   * Takes no more requests (a fatal protocol error, too many wrong tokens, the node shutting down): those read are
   * answered, what else the client sends is read and dropped, then it closes.
   */
  DRAINING,
  /** Everything is answered and the node ended its side; waits for the socket to close. */
  CLOSING,
  /** The node closed it while the client may still be sending: waits for the client's close, a while at most. */
  LINGERING,
  /** The socket is closed. */
  CLOSED;

  /** Whether it takes requests: reading, or paused and to read again. */
  boolean takesRequests() {
    return this == READING || this == PAUSED;
  }

  /** Whether requests already read may still be started and answered. */
  boolean answers() {
    return compareTo(DRAINING) <= 0;
  }
}
