package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * Opcodes, statuses and entry statuses are looked up by their wire code, and an unknown code is no opcode or status
 * at all.
 */
class WireCodesTest {

  @Test
  void everyOpcodeIsFoundByItsWireCode() {
    for (Opcode op : Opcode.values()) {
      assertSame(op, Opcode.valueOf(op.code()));
    }
    assertSame(Opcode.AUTH, Opcode.valueOf(0x0006));
  }

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
  void unknownCodesAreNoOpcodeOrStatus() {
    for (int code : new int[] {-1, 8, 0x00ff, 0xffff, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      assertNull(Status.valueOf(code), "status " + code);
    }
    for (int code : new int[] {-1, -128, 5, 0xff, Integer.MAX_VALUE}) {
      assertNull(EntryStatus.valueOf(code), "entry status " + code);
    }
    // 0x0000 is no opcode; 0x0100 and above would make a frame's first byte other than 0x00
    for (int code : new int[] {-1, 0, 7, 0x00ff, 0x0100, 0x0105, 0xffff, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      assertNull(Opcode.valueOf(code), "opcode " + code);
    }
  }
}
