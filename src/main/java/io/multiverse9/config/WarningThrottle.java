package io.multiverse9.config;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets a repeated warning through a few times at once, then once per interval, and says how many it held back in
 * between. Whatever an outsider can repeat at will (a settings file flapping between a good and a bad version many
 * times a second, wrong tokens) then costs the log one line per interval instead of one per event, and the count
 * still tells the operator how often it happened. Not thread-safe: use one per event loop.
 */
public final class WarningThrottle {

  private final int burst;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private int allowance;
  private long lastRefill;
  private long heldBack;

  public WarningThrottle(int burst, long interval, TimeUnit unit) {
    this(burst, unit.toNanos(interval), System::nanoTime);
  }

  WarningThrottle(int burst, long intervalNanos, LongSupplier nanoClock) {
    if (burst < 1 || intervalNanos <= 0) {
      throw new IllegalArgumentException("burst must be 1 or more and the interval positive");
    }
    this.burst = burst;
    this.intervalNanos = intervalNanos;
    this.nanoClock = nanoClock;
    this.allowance = burst;
    this.lastRefill = nanoClock.getAsLong();
  }

  /**
   * The line to log for this occurrence of the warning, with the count of those held back since the last line
   * logged; {@code null} when this one is held back.
   */
  public String admit(String warning) {
    long now = nanoClock.getAsLong();
    long earned = (now - lastRefill) / intervalNanos;
    if (earned > 0) {
      allowance = (int) Math.min(burst, allowance + earned);
      lastRefill += earned * intervalNanos;
    }
    if (allowance == 0) {
      heldBack++;
      return null;
    }
    allowance--;
    if (heldBack == 0) {
      return warning;
    }
    String line = warning + " (" + heldBack + " more like it not logged since the last one)";
    heldBack = 0;
    return line;
  }
}
