package io.multiverse9.server;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The bytes all connections of one node hold together: requests being received or in flight, and answers not yet
 * written to their sockets ({@code limits.max_buffered_bytes}, SPEC 1.6). Shared by every node verticle of the
 * node; over the limit, connections stop reading new requests, and those waiting are woken when it drains below.
 */
public final class BufferedBytes {

  private final AtomicLong held = new AtomicLong();
  private final LongSupplier max;
  private final CopyOnWriteArrayList<Runnable> onDrained = new CopyOnWriteArrayList<>();

  /** @param max the limit in force, read anew on each check so that a changed limit applies at once */
  public BufferedBytes(LongSupplier max) {
    this.max = max;
  }

  public boolean over() {
    return held.get() > max.getAsLong();
  }

  public long held() {
    return held.get();
  }

  /**
   * Adds {@code bytes} only if the total stays within the limit, as one step: connections on several event loops
   * reserving at once cannot together pass it.
   */
  public boolean tryTake(long bytes) {
    long limit = max.getAsLong();
    long now;
    do {
      now = held.get();
      if (now + bytes > limit) {
        return false;
      }
    } while (!held.compareAndSet(now, now + bytes));
    return true;
  }

  /** Adds {@code delta} (negative to release); wakes the waiters when this brings the total down to the limit. */
  public void add(long delta) {
    long after = held.addAndGet(delta);
    if (delta < 0) {
      long limit = max.getAsLong();
      if (after <= limit && after - delta > limit) {
        onDrained.forEach(Runnable::run);
      }
    }
  }

  /** {@code wake} runs, on whichever thread released the bytes, each time the total comes down to the limit. */
  public void whenDrained(Runnable wake) {
    onDrained.add(wake);
  }

  public void stopWaking(Runnable wake) {
    onDrained.remove(wake);
  }
}
