package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Parses the targets of one AGGREGATE, each distinct address once: the targets of an AGGREGATE name few places,
 * and parsing an address (host, port, canonical form) costs more than the rest of a target. The first few
 * distinct addresses are remembered; past them, addresses are parsed each time, so that an AGGREGATE naming many
 * places costs no more than before.
 */
public final class TargetParser {

  private static final int REMEMBERED = 8;

  /** Valid targets with an address, one per distinct address. */
  private final Target[] remembered = new Target[REMEMBERED];
  private int count;

  public Target parse(Buffer raw) {
    return Target.parse(raw, this);
  }

  /** The address of a remembered target whose bytes after its '@' are those of {@code bytes} after {@code at}. */
  Address seen(byte[] bytes, int at) {
    for (int r = 0; r < count; r++) {
      Buffer known = remembered[r].raw();
      // both keys are valid ULIDs, so of the same length: the two '@' are at the same place
      if (known.length() == bytes.length && sameFrom(known, bytes, at + 1)) {
        return remembered[r].address();
      }
    }
    return null;
  }

  void remember(Target target) {
    if (count < REMEMBERED) {
      remembered[count++] = target;
    }
  }

  private static boolean sameFrom(Buffer known, byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (known.getByte(i) != bytes[i]) {
        return false;
      }
    }
    return true;
  }
}
