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
    List<Buffer> items = new ArrayList<>();
    int start = 0;
    int length = payload.length();
    for (int i = 0; i <= length; i++) {
      if (i == length || payload.getByte(i) == 0) {
        if (i > start) {
          if (items.size() == max) {
            return null;
          }
          items.add(payload.slice(start, i));
        }
        start = i + 1;
      }
    }
    return items;
  }

  /** The payload of a REMOVE or AGGREGATE request carrying {@code items}, UTF-8, separated by 0x00. */
  public static Buffer join(List<String> items) {
    return Buffer.buffer(String.join("\0", items), "UTF-8");
  }
}
