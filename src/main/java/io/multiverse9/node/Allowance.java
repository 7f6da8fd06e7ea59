package io.multiverse9.node;

/**
 * What one AGGREGATE may read while it runs (SPEC 1.6, requests already read): reserved in its connection's count
 * and the node's before it starts, so that what running requests may hold never adds up to more than the limits.
 * An AGGREGATE whose values come to more reads none of them whole and says how much it {@link #needed}.
 */
final class Allowance {

  /** No bound: for callers that hold no count (tests, tools). */
  static final Allowance NONE = new Allowance(-1, true);

  /** The most its local values may add up to, or negative for no bound. */
  final long bytes;
  /** Nothing else of its connection is running: it may also ask peers, whose answers are bounded otherwise. */
  final boolean alone;
  /** What its values came to, when that was more than {@link #bytes}; 0 until then. */
  long needed;

  Allowance(long bytes, boolean alone) {
    this.bytes = bytes;
    this.alone = alone;
  }
}
