package io.multiverse9.cli;

import io.multiverse9.bench.LoadGenerator;
import io.multiverse9.bench.LoadPlan;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code bench} prints: how far a run is, on standard error, written over itself; a line per interval of a
 * timed run; a line per operation with its throughput and latency percentiles, and the CPU and node memory when
 * asked for. Text, or JSON lines with {@code --json}, for scripts such as {@code bench/compare.sh}.
 */
final class BenchReport {

  private final LoadPlan plan;
  private final boolean json;

  BenchReport(LoadPlan plan, boolean json) {
    this.plan = plan;
    this.json = json;
  }

  /** The line on standard error that says how far a run is, written over itself. */
  void progress(String op, long done, long total, double rps) {
    if (total > 0) {
      System.err.printf(Locale.ROOT, "\r\033[K%s: %d/%d requests, %.0f requests per second", op, done, total, rps);
    } else {
      System.err.printf(Locale.ROOT, "\r\033[K%s: %d requests, %.0f requests per second", op, done, rps);
    }
  }

  /** Clears the progress line once its run is over. */
  void endProgress() {
    System.err.print("\r\033[K");
  }

  /** One interval of a timed run ({@code --duration}), on standard output. */
  void interval(LoadGenerator.Interval i) {
    System.err.print("\r\033[K");
    if (json) {
      System.out.println(new JsonObject().put("op", i.op()).put("interval_end_s", Math.round(i.elapsedSeconds()))
        .put("rps", i.rps()).put("p50_ms", i.p50Ms()).put("p99_ms", i.p99Ms()).put("errors", i.errors()).encode());
    } else {
      System.out.printf(Locale.ROOT, "%s at %4ds: %.0f requests per second, p50=%.3f ms, p99=%.3f ms, %d errors%n",
        i.op().toUpperCase(Locale.ROOT), Math.round(i.elapsedSeconds()), i.rps(), i.p50Ms(), i.p99Ms(), i.errors());
    }
  }

  /** One operation's result on standard output: a line of text, or of JSON with {@code --json}. */
  void result(LoadGenerator.Result r, long warmedUp, Map<String, Double> cpuPerRequest, JsonObject memory) {
    System.out.println(json ? toJson(r, warmedUp, cpuPerRequest, memory, plan).encode()
      : toText(r, cpuPerRequest, memory, plan));
  }

  private static String toText(LoadGenerator.Result r, Map<String, Double> cpuPerRequest, JsonObject memory,
                               LoadPlan plan) {
    return String.format(Locale.ROOT,
      "%s: %.2f requests per second, p50=%.3f ms, p99=%.3f ms, p99.9=%.3f ms, max=%.3f ms"
        + " (%s%d requests, %d connections, pipeline %d, %d-byte values%s%s%s%s)%s",
      r.op().toUpperCase(Locale.ROOT), r.rps(), r.percentileMs(50), r.percentileMs(99), r.percentileMs(99.9),
      r.maxMs(), plan.redis() ? "Redis itself, " : "", r.requests(), plan.connections(), plan.pipeline(),
      plan.valueSize(), r.op().equals("aggregate") ? ", " + plan.keysPerAggregate() + " keys each" : "",
      paceNote(r, plan.rate()),
      plan.warmup() == null ? "" : ", after a " + BenchOptions.DurationConverter.format(plan.warmup()) + " warm-up",
      r.errors() == 0 ? "" : ", " + r.errors() + " errors, first: " + r.firstError(),
      memory == null ? "" : String.format(Locale.ROOT, "%nnode memory after the run: heap %.1f MiB%s",
        memory.getLong("heap_used_bytes", 0L) / 1048576.0, memory.containsKey("rss_bytes")
          ? String.format(Locale.ROOT, ", resident %.1f MiB", memory.getLong("rss_bytes") / 1048576.0) : ""))
      + (cpuPerRequest == null ? "" : cpuPerRequest.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.1f us", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", ", String.format("%nCPU per request: "), "")));
  }

  private static String paceNote(LoadGenerator.Result r, Long rate) {
    if (rate == null) {
      return "";
    }
    return ", paced at " + rate + " per second" + (r.rps() >= 0.95 * rate ? "" : "; the server fell behind the"
      + " pace, so these latencies include the wait of requests that were due but could not be sent yet");
  }

  /**
   * One result as JSON. {@code warmup_requests} is there for scripts that divide the CPU time a server spent
   * during the whole bench (warm-up included) by the requests it answered.
   */
  private static JsonObject toJson(LoadGenerator.Result r, long warmedUp, Map<String, Double> cpuPerRequest,
                                  JsonObject memory, LoadPlan plan) {
    JsonObject json = new JsonObject().put("op", r.op()).put("requests", r.requests()).put("errors", r.errors())
      .put("seconds", r.seconds()).put("rps", r.rps())
      .put("p50_ms", r.percentileMs(50)).put("p99_ms", r.percentileMs(99)).put("p999_ms", r.percentileMs(99.9))
      .put("max_ms", r.maxMs())
      .put("connections", plan.connections()).put("pipeline", plan.pipeline()).put("value_bytes", plan.valueSize())
      .put("warmup_s", plan.warmup() == null ? 0 : plan.warmup().toMillis() / 1000.0)
      .put("warmup_requests", warmedUp)
      .put("rate", plan.rate() == null ? 0 : plan.rate()).put("server", plan.redis() ? "redis" : "node")
      .put("keys", r.op().equals("aggregate") ? plan.keysPerAggregate() : 1).put("first_error", r.firstError());
    if (memory != null) {
      json.put("node_memory", memory);
    }
    if (cpuPerRequest != null) {
      json.put("cpu_us_per_request", new JsonObject(new LinkedHashMap<>(cpuPerRequest)));
    }
    return json;
  }
}
