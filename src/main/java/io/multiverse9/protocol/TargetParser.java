package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * Parses the targets of one AGGREGATE, each distinct address once: the targets of an AGGREGATE name few places,
 * and parsing an address (host, port, canonical form) costs more than the rest of a target. The first few
 * distinct addresses are remembered; past them, addresses are parsed each time, so that an AGGREGATE naming many
 * places costs no more than before.
 */
public final class TargetParser {

  /** How many distinct addresses the table of one AGGREGATE holds. */
  public static final int REMEMBERED = 8;

  /** The bytes after the '@' of valid targets, one per distinct address, and the address they parse to. */
  /** Made with the first address: most AGGREGATEs name none. */
  private byte[][] written;
  private Address[] addresses;
  private int count;

  /** The target in {@code raw}, parsed from a copy of its bytes. */
  public Target parse(Buffer raw) {
    byte[] bytes = raw.getBytes();
    return Target.parse(bytes, 0, bytes.length, this);
  }

  /**
   * Target {@code i} of {@code items}, parsed where the payload's bytes are: no copy of the target, and its key
   * normalised there ({@link Segments#array()}).
   */
  public Target parse(Segments items, int i) {
    return items.target(i, this);
  }

  /** The place in the table of the address written as {@code bytes[from, to)}, or -1 when it is not there. */
  int placeOf(byte[] bytes, int from, int to) {
    for (int r = 0; r < count; r++) {
      if (Arrays.equals(written[r], 0, written[r].length, bytes, from, to)) {
        return r;
      }
    }
    return -1;
  }

  Address address(int place) {
    return addresses[place];
  }

  /** Puts the address in the table if there is room: its place, or -1. */
  int remember(byte[] bytes, int from, int to, Address address) {
    if (written == null) {
      written = new byte[REMEMBERED][];
      addresses = new Address[REMEMBERED];
    }
    if (count == REMEMBERED) {
      return -1;
    }
    written[count] = Arrays.copyOfRange(bytes, from, to);
    addresses[count] = address;
    return count++;
  }
}
