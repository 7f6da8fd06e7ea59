package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/** Splits the payload of REMOVE and AGGREGATE: items separated by one 0x00 byte, empty items ignored (SPEC 1.1). */
public final class Segments {

  private Segments() {
  }

  /**
   * @param max the most items accepted
   * @return the items, or {@code null} when there are more than {@code max}
   */
  public static List<Buffer> split(Buffer payload, int max) {
    // one copy to scan a plain array, a word at a time: a Buffer checks bounds on every getByte
    byte[] bytes = payload.getBytes();
    List<Buffer> items = new ArrayList<>();
    int start = 0;
    while (start <= bytes.length) {
      int end = ByteScan.indexOf(bytes, start, bytes.length, (byte) 0);
      if (end < 0) {
        end = bytes.length;
      }
      if (end > start) {
        if (items.size() == max) {
          return null;
        }
        items.add(payload.slice(start, end));
      }
      start = end + 1;
    }
    return items;
  }

  /** The payload of a REMOVE or AGGREGATE request carrying {@code items}, UTF-8, separated by 0x00. */
  public static Buffer join(List<String> items) {
    return Buffer.buffer(String.join("\0", items), "UTF-8");
  }
}
