package io.multiverse9.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's own meters, in one Prometheus registry per JVM; Vert.x's metrics (connections, event bus, Redis
 * pool) go to the same registry when the node runs with {@code run} (see {@link #registry()}). Meter names:
 * {@code mv9_requests_seconds{opcode,status}}, {@code mv9_connections}, {@code mv9_storage_errors_total} (through {@link NodeStorageMeters}),
 * {@code mv9_peer_requests_total{peer,outcome}}, {@code mv9_peer_connections{peer}}.
 */
public final class NodeMetrics {

  private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /**
   * Timers by [opcode][status] (the last opcode row for unknown opcodes): looking a meter up in the registry on
   * every request costs more than timing it.
   */
  private static final Timer[][] TIMERS = new Timer[Opcode.values().length + 1][Status.values().length];
  /**
   * Peer request counters by peer and outcome, for the same reason; as many as the {@code nodes} entries ever
   * listed times the outcomes, which the registry keeps anyway.
   */
  private static final Map<String, Counter> PEER_REQUESTS = new ConcurrentHashMap<>();

  private NodeMetrics() {
  }

  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }

  /** Records one answered request; {@code opcode} is {@code null} for an unknown one. */
  public static void request(Opcode opcode, Status status, long nanos) {
    int row = opcode == null ? Opcode.values().length : opcode.ordinal();
    Timer timer = TIMERS[row][status.ordinal()];
    if (timer == null) {
      // registering is idempotent, so two threads racing here end up with the same meter
      timer = Timer.builder("mv9_requests")
        .description("Requests answered, by opcode and status, with their latency")
        .tags("opcode", opcode == null ? "UNKNOWN" : opcode.name(), "status", status.name())
        .publishPercentileHistogram()
        .register(REGISTRY);
      TIMERS[row][status.ordinal()] = timer;
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one AGGREGATE sent to {@code peer} (its {@code nodes} entry) and what became of it. */
  public static void peerRequest(String peer, String outcome) {
    PEER_REQUESTS.computeIfAbsent(peer + '\0' + outcome, key -> Counter.builder("mv9_peer_requests")
      .description("AGGREGATE requests sent to peers, by outcome")
      .tags("peer", peer, "outcome", outcome).register(REGISTRY)).increment();
  }

  /** A gauge read on every scrape; registering the same name and tags again keeps the first. */
  public static void gauge(String name, String description, Supplier<Number> value, String... tags) {
    Gauge.builder(name, value).description(description).tags(tags).register(REGISTRY);
  }

  public static MeterRegistry meters() {
    return REGISTRY;
  }
}
