package io.multiverse9.server;

import java.util.ArrayDeque;

/**
 * The requests of one connection in the order they arrived, each until its answer is written (SPEC 1.1): answers
 * leave from the head only, so one that completes early waits for those before it.
 */
final class AnswerQueue {

  private final ArrayDeque<Slot> slots = new ArrayDeque<>();

  void add(Slot slot) {
    slots.add(slot);
  }

  int size() {
    return slots.size();
  }

  boolean isEmpty() {
    return slots.isEmpty();
  }

  /** Whether the head has its answer: something can be written. */
  boolean headReady() {
    return !slots.isEmpty() && slots.peek().reply != null;
  }

  /** Takes the head, whose answer must be ready. */
  Slot take() {
    return slots.poll();
  }

  /** What the answers ready at the head are counted as, and whether all of them are binary of an exact length. */
  Ready ready() {
    long bytes = 0;
    boolean allExact = true;
    for (Slot slot : slots) {
      if (slot.reply == null) {
        break;
      }
      bytes += slot.replyBytes;
      allExact &= slot.exact;
    }
    return new Ready(bytes, allExact);
  }

  record Ready(long bytes, boolean allExact) {
  }
}
