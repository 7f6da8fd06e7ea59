package io.multiverse9.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What every connection of one run shares: how many requests may still start, how many were answered and how
 * many failed, and the latencies (an HdrHistogram {@link Recorder}, so the reporting thread can take interval
 * histograms while the event loops record).
 */
final class Tally {

  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final long total;
  private final AtomicLong granted = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
  private volatile boolean stopped;

  /** @param total requests to grant, or 0 to grant until {@link #stop()} */
  Tally(long total) {
    this.total = total;
  }

  boolean grant() {
    return !stopped && (total == 0 || granted.getAndIncrement() < total);
  }

  void stop() {
    stopped = true;
  }

  /** No request will be granted any more (without taking a grant, as {@link #grant()} does). */
  boolean exhausted() {
    return stopped || (total > 0 && granted.get() >= total);
  }

  /** @param latencyNanos the time to the answer, or 0 for a request lost with its connection */
  void answered(long latencyNanos) {
    answered.incrementAndGet();
    if (latencyNanos > 0) {
      recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, latencyNanos / 1000)));
    }
  }

  void failed(String why) {
    errors.incrementAndGet();
    firstError.compareAndSet(null, why);
  }

  long answered() {
    return answered.get();
  }

  long errors() {
    return errors.get();
  }

  String firstError() {
    return firstError.get();
  }

  /** The latencies recorded since the last call, in microseconds. */
  Histogram takeLatencies(Histogram recycled) {
    return recorder.getIntervalHistogram(recycled);
  }
}
