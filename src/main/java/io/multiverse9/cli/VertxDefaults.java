package io.multiverse9.cli;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.VertxApplicationHooks;

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

  /** For the launcher: our defaults under whatever {@code -options} the operator gave, which win. */
  static VertxApplicationHooks launcherHooks() {
    return new VertxApplicationHooks() {
      @Override
      public JsonObject afterVertxOptionsParsed(JsonObject given) {
        JsonObject ours = apply(new VertxOptions()).toJson();
        JsonObject merged = given == null ? new JsonObject() : given.copy();
        for (String key : new String[] {"eventLoopPoolSize", "preferNativeTransport"}) {
          if (!merged.containsKey(key)) {
            merged.put(key, ours.getValue(key));
          }
        }
        return merged;
      }
    };
  }
}
