package io.multiverse9.cli;

import io.vertx.core.VertxOptions;

/**
 * The Vert.x options a node runs with, under our {@code run} command and under the Vert.x launcher alike: one
 * event loop per core (the default node and storage verticles are one per core too, so each node verticle
 * shares its loop with a storage verticle: see {@code StorageAffinity}), and Netty's epoll transport where it
 * loads (Linux x86-64 and aarch64; NIO elsewhere).
 */
final class VertxDefaults {

  private VertxDefaults() {
  }

  static VertxOptions apply(VertxOptions options) {
    return options.setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()).setPreferNativeTransport(true);
  }
}
