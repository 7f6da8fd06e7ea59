package io.multiverse9.server;

import java.util.concurrent.atomic.AtomicInteger;

/** Open client connections of one node, across all its node verticle instances ({@code limits.max_connections}). */
public final class ConnectionCounter {

  private final AtomicInteger open = new AtomicInteger();

  /** Takes a place if fewer than {@code max} are taken. */
  public boolean tryAcquire(int max) {
    while (true) {
      int now = open.get();
      if (now >= max) {
        return false;
      }
      if (open.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  public void release() {
    open.decrementAndGet();
  }

  public int open() {
    return open.get();
  }
}
