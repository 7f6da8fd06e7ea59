package io.multiverse9.protocol;

import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * Tables from a wire code to its enum constant, for the enums whose codes are the contract (SPEC 1): request
 * opcodes, answer statuses, entry statuses.
 */
final class WireCodes {

  private WireCodes() {
  }

  /**
   * {@code values} indexed by their wire code, not by ordinal: the codes are the contract, the declaration order is
   * not. Codes without a constant hold {@code null}.
   */
  static <E extends Enum<E>> E[] byCode(E[] values, ToIntFunction<E> code) {
    int highest = 0;
    for (E value : values) {
      highest = Math.max(highest, code.applyAsInt(value));
    }
    E[] table = Arrays.copyOf(values, highest + 1);
    Arrays.fill(table, null);
    for (E value : values) {
      table[code.applyAsInt(value)] = value;
    }
    return table;
  }
}
