package io.multiverse9.metrics;

import io.micrometer.core.instrument.Counter;
import io.multiverse9.storage.StorageMeters;

/** Storage's meters in the node's registry: {@code mv9_storage_errors_total}. */
public final class NodeStorageMeters implements StorageMeters {

  // looked up once, not on every failure: a Redis that dies under load fails thousands of requests a second
  private final Counter errors = Counter.builder("mv9_storage_errors")
    .description("Storage requests that failed (Redis unreachable, timeouts)")
    .register(NodeMetrics.registry());

  @Override
  public void requestFailed() {
    errors.increment();
  }
}
