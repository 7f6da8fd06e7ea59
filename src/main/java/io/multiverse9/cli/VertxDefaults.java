package io.multiverse9.cli;

import io.multiverse9.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The Vert.x a node runs on, under our {@code run} command and under the Vert.x launcher alike: one event loop
 * per core (the default node, storage and peer verticles are one per core too, so each node verticle shares its
 * loop with a storage and a peer verticle: see {@code LoopAffinity}), Netty's epoll transport where it loads
 * (Linux x86-64 and aarch64; NIO elsewhere), and Vert.x's own meters (connections, Redis pool) in the node's
 * Prometheus registry.
 */
final class VertxDefaults {

  private VertxDefaults() {
  }

  static VertxOptions apply(VertxOptions options) {
    return options.setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()).setPreferNativeTransport(true);
  }

  /** A builder for {@code options} with the node's meters on. */
  static VertxBuilder builder(VertxOptions options) {
    // per-address event-bus meters cost a registry lookup per message: left out
    return Vertx.builder()
      .with(options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)))
      .withMetrics(new MicrometerMetricsFactory(NodeMetrics.registry()));
  }
}
