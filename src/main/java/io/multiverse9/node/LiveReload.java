package io.multiverse9.node;

import io.multiverse9.config.Settings;
import io.vertx.core.Future;
import java.util.List;
import java.util.logging.Logger;

/**
 * Applies each new, valid version of the settings to a running node (SPEC 4.1), one version at a time:
 * permissions, peers, tokens and limits at once, by putting the new settings in force; a new {@code addr} by
 * starting listeners there and draining the old ones; a new {@code redis_uri}, {@code key_prefix} or Redis topology
 * by deploying new storage verticles before undeploying the old ones. Fields that only a restart can change are
 * kept, with a warning. A version that cannot be applied leaves the last good settings in force.
 */
final class LiveReload {

  /** What a change needs of the node; {@link NodeApplication} does the deploying. */
  interface Node {
    /** The settings in force, with the port actually bound and "embedded" resolved. */
    Settings running();

    void putInForce(Settings settings);

    /** Starts storage for {@code next} (its Redis resolved), then lets the old storage go. */
    Future<Settings> replaceStorage(Settings next);

    /** Starts listeners on {@code next}'s addr, then drains the old ones. */
    Future<Void> replaceListeners(Settings next);

    /** The node no longer uses its embedded Redis. */
    void stopEmbeddedRedis();
  }

  private static final Logger LOG = Logger.getLogger(LiveReload.class.getName());

  private final Node node;
  /** The settings as configured, before port 0 and "embedded" were resolved: what changes are compared with. */
  private Settings configured;
  private Future<Void> applying = Future.succeededFuture();

  LiveReload(Node node, Settings configured) {
    this.node = node;
    this.configured = configured;
  }

  /** Applies {@code requested} after whatever change is under way. */
  void offer(Settings requested) {
    applying = applying.transform(ar -> apply(requested));
  }

  /** Completes when no change is under way. */
  Future<Void> settled() {
    return applying;
  }

  private Future<Void> apply(Settings requested) {
    List<String> restartOnly = requested.differencesFrom(requested.keepingRestartFieldsOf(configured));
    if (!restartOnly.isEmpty()) {
      LOG.warning("settings: a change of " + String.join(", ", restartOnly) + " needs a restart; "
        + "the rest applies now");
    }
    Settings next = requested.keepingRestartFieldsOf(configured);
    List<String> changed = next.differencesFrom(configured);
    if (changed.isEmpty()) {
      return Future.succeededFuture();
    }
    Settings previous = configured;
    Settings running = node.running();
    boolean storageMoves = next.hasRole("storage") && (changed.contains("redis_uri")
      || changed.contains("key_prefix") || changed.contains("redis"));
    boolean addrMoves = next.hasRole("node") && changed.contains("addr");
    boolean embeddedGoes = previous.embeddedRedis() && !next.embeddedRedis();
    Future<Settings> withStorage = storageMoves
      ? node.replaceStorage(next).andThen(ar -> {
        if (ar.succeeded() && embeddedGoes) {
          node.stopEmbeddedRedis();
        }
      })
      : Future.succeededFuture(next.withRedisUri(running.redisUri()));
    return withStorage
      .compose(s -> {
        configured = next;
        if (addrMoves) {
          return node.replaceListeners(s);
        }
        node.putInForce(s.boundTo(running.addr()));
        return Future.succeededFuture();
      })
      .andThen(ar -> {
        if (ar.succeeded()) {
          LOG.info("settings applied: " + String.join(", ", changed) + " changed");
        } else {
          configured = previous;
          LOG.warning("settings rejected: " + ar.cause().getMessage() + "; keeping the last good settings");
        }
      })
      .mapEmpty();
  }
}
