package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Statuses and entry statuses are looked up by their wire code, and an unknown code is no status at all. */
class WireCodesTest {

  @Test
  void everyStatusIsFoundByItsWireCode() {
    for (Status status : Status.values()) {
      assertSame(status, Status.valueOf(status.code()));
    }
    assertSame(Status.BUSY, Status.valueOf(0x0007));
  }

  @Test
  void everyEntryStatusIsFoundByItsWireCode() {
    for (EntryStatus status : EntryStatus.values()) {
      assertSame(status, EntryStatus.valueOf(status.code()));
    }
    assertSame(EntryStatus.UNAVAILABLE, EntryStatus.valueOf(4));
  }

  @Test
  void unknownCodesAreNoStatus() {
    for (int code : new int[] {-1, 8, 0x00ff, 0xffff, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      assertNull(Status.valueOf(code), "status " + code);
    }
    for (int code : new int[] {-1, -128, 5, 0xff, Integer.MAX_VALUE}) {
      assertNull(EntryStatus.valueOf(code), "entry status " + code);
    }
  }
}
