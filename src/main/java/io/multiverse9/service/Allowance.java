package io.multiverse9.service;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * What one AGGREGATE may read while it runs (SPEC 1.6, requests already read): reserved in its connection's count
 * and the node's before it starts, so that what running requests may hold never adds up to more than the limits.
 * It is shared among the request's parts (its local keys, and each peer asked), none of which holds more than its
 * share: a part that would reads none of it whole and says how much it came to, and the request runs again with
 * what each part is then known to need ({@link #needed}).
 */
public final class Allowance {

  /** No bound: for callers that hold no count (tests, tools). */
  public static final Allowance NONE = new Allowance(-1, null, true);

  /**
   * What one parsed target makes the node hold while its request runs ({@link #parsed}), beside its payload and
   * {@link #PER_PREFIX_BYTE} per byte of the key prefix ({@link #perTarget}).
   */
  public static final int PER_TARGET = 200;

  /** What each byte of {@code key_prefix} adds to what a parsed target holds: in its Redis argument, encoded. */
  public static final int PER_PREFIX_BYTE = 3;

  /** The part of the local keys; each peer's part is named by its address. */
  static final String LOCAL = "";

  /** The most the parts may add up to, or negative for no bound. */
  public final long bytes;
  /**
   * Whether it may ask peers now: alone on its connection, or beside others once the connection's last answer from
   * a peer fitted its share. A peer cannot be told how much to send, so an answer over a share costs its transfer
   * (read past); a connection's first wave of pipelined requests could otherwise make a peer send each of them.
   */
  final boolean mayAskPeers;
  /** What each part came to the last time the request did not fit; {@code null} before. */
  private final Map<String, Long> known;
  /** What each part came to in this run; made only when a request has more than its local part, or was over. */
  private Map<String, Long> cameTo;
  /** What the local part came to in this run, or -1: kept apart so that a local AGGREGATE allocates no map. */
  private long localCameTo = -1;
  private boolean over;
  private long parsedBytes;
  /** Whether the peers asked fitted their shares; {@code null} when none was asked or none answered. */
  private Boolean peersFitted;

  public Allowance(long bytes, Allowance before, boolean mayAskPeers) {
    this.bytes = bytes;
    this.known = before == null ? null : before.known();
    this.mayAskPeers = mayAskPeers;
  }

  /** What the local keys may hold when they are all the request asks for. */
  long localShare() {
    return bytes < 0 ? -1 : known != null && known.containsKey(LOCAL) ? known.get(LOCAL) : bytes;
  }

  /**
   * What {@code part} may hold: what it came to before, if known; otherwise an even share of what the parts whose
   * size is known leave.
   */
  long share(String part, Collection<String> parts) {
    if (bytes < 0) {
      return -1;
    }
    if (known != null && known.containsKey(part)) {
      return known.get(part);
    }
    long left = bytes;
    int unknown = 0;
    for (String p : parts) {
      if (known != null && known.containsKey(p)) {
        left -= known.get(p);
      } else {
        unknown++;
      }
    }
    return Math.max(1, left / Math.max(1, unknown));
  }

  /** {@code part} came to {@code bytes}; {@code overShare}: more than its share, and nothing of it was kept. */
  void cameTo(String part, long bytes, boolean overShare) {
    if (this.bytes < 0) {
      return; // NONE is shared, and nothing is over no bound
    }
    if (LOCAL.equals(part)) {
      localCameTo = bytes;
    } else {
      if (cameTo == null) {
        cameTo = new HashMap<>();
      }
      cameTo.put(part, bytes);
    }
    over |= overShare;
  }

  /**
   * What {@code targets} parsed targets make the node hold while the request runs ({@link #perTarget} each): counted
   * with the request (SPEC 1.6: what a request makes the node hold is counted, not only its payload).
   */
  void parsed(int targets, String keyPrefix) {
    parsedBytes = (long) targets * perTarget(keyPrefix);
  }

  /**
   * What one parsed target makes the node hold, beside its payload. A key stays where the payload's copy holds it
   * (27 bytes), named by offsets in the groups and their tables (40 bytes of int arrays, 10 of object arrays); what
   * is made per key is its Redis argument, {@code key_prefix} + key (an array of 16 + prefix + 26 bytes, rounded up
   * to 8), and, while Redis does not read, that argument encoded (prefix + 33 bytes) in a buffer that grew by
   * doubling, so up to twice that: at most 3 bytes per byte of prefix and about 196 more.
   *
   * <p>Measured with Redis stopped: a client pipelines AGGREGATEs of 4,096 keys, and the node's heap is read
   * ({@code jcmd PID GC.class_histogram}) while it holds 20, then 60 ({@code HeldRequestsCountTest}). Each target of
   * the 40 more added 171 bytes beside its payload with the 4-byte prefix {@code mv9:}, 277 with a 41-byte prefix,
   * 428 with an 83-byte one; with each key made into a string, a slice of the payload and a Redis argument, it was
   * 268 and 378 (counted 256 whatever the prefix).
   */
  public static long perTarget(String keyPrefix) {
    return PER_TARGET + (long) PER_PREFIX_BYTE * utf8Length(keyPrefix);
  }

  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 4
    }
    return bytes;
  }

  public long parsedBytes() {
    return parsedBytes;
  }

  /** A peer sent nothing past its share (its answer fitted, or it did not answer), or it did. */
  void peerFitted(boolean fitted) {
    if (bytes < 0) {
      return; // NONE is shared: it records nothing
    }
    peersFitted = peersFitted == null ? fitted : peersFitted && fitted;
  }

  public Boolean peersFitted() {
    return peersFitted;
  }

  /** Whether a part was more than its share: the request answers nothing and runs again. */
  public boolean over() {
    return over;
  }

  /** What the parts came to, all together: 0 while none was over its share. */
  public long needed() {
    if (!over) {
      return 0;
    }
    long sum = Math.max(0, localCameTo);
    if (cameTo != null) {
      for (long b : cameTo.values()) {
        sum += b;
      }
    }
    return sum;
  }

  private Map<String, Long> known() {
    if (!over) {
      return known;
    }
    Map<String, Long> parts = cameTo == null ? new HashMap<>() : new HashMap<>(cameTo);
    if (localCameTo >= 0) {
      parts.put(LOCAL, localCameTo);
    }
    return Map.copyOf(parts);
  }
}
