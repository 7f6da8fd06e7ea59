package io.multiverse9.app;

import io.multiverse9.config.Settings;
import io.vertx.core.Future;
import java.util.List;
import java.util.logging.Logger;

/**
 * Applies each new, valid version of the settings to a running node (SPEC 4.1), one version at a time, whole or
 * not at all: permissions, peers, tokens and limits at once, by putting the new settings in force; a new
 * {@code addr} by starting listeners there beside the old ones; a new {@code redis_uri}, {@code key_prefix}, Redis
 * topology or {@code durability} by deploying storage verticles beside the old ones. Only once every part has started does the node
 * switch over (the old listeners drain, the old storage finishes what it holds); if a part fails, what the
 * others had started is taken away again and the last good settings stay in force, all of them. Fields that only
 * a restart can change are kept, with a warning.
 */
final class LiveReload {

  /** What a change needs of the node; {@link NodeApplication} does the deploying. */
  interface Node {
    /** The settings in force, with the port actually bound and "embedded" resolved. */
    Settings running();

    void putInForce(Settings settings);

    /** Deploys storage for {@code next} (its Redis resolved) beside the storage in use, which keeps serving. */
    Future<Staged> stageStorage(Settings next);

    /** Starts listeners on {@code next}'s addr beside those in use, which keep serving. */
    Future<Staged> stageListeners(Settings next);
  }

  /** A part deployed beside the one it replaces, until the change is applied or given up. */
  interface Staged {
    /** For storage, the settings with their Redis resolved; for listeners, bound to the address they took. */
    Settings settings();

    /** Puts this part in the place of the old one, which drains and goes. */
    Future<Void> takeOver();

    /** Takes this part away again; the old one never stopped serving. */
    Future<Void> discard();
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
    Settings running = node.running();
    // durability too: the storage verticles' batchers are built for one number of replicas, and new ones beside
    // the old take over as for a new Redis, with nothing dropped
    boolean storageMoves = next.hasRole("storage") && (changed.contains("redis_uri")
      || changed.contains("key_prefix") || changed.contains("redis") || changed.contains("durability"));
    boolean addrMoves = next.hasRole("node") && changed.contains("addr");
    // listeners first: binding a port is what fails most often, and storage, once started beside the old one,
    // already takes requests, so it is the last part to start
    Future<Staged> listeners = addrMoves ? node.stageListeners(next) : Future.succeededFuture();
    return listeners
      .compose(newListeners -> (storageMoves ? node.stageStorage(next) : Future.<Staged>succeededFuture())
        .recover(e -> discard(newListeners).transform(ar -> Future.failedFuture(e)))
        .compose(newStorage -> {
          Settings resolved = newStorage == null ? next.withRedisUri(running.redisUri()) : newStorage.settings();
          Settings bound = resolved.boundTo(newListeners == null ? running.addr() : newListeners.settings().addr());
          configured = next;
          node.putInForce(bound);
          // applied from here on: an old part that does not go quietly is worth a line, not a rejection
          return Future.join(takeOver(newListeners), takeOver(newStorage)).<Void>mapEmpty().recover(e -> {
            LOG.warning("settings: the old listeners or storage did not stop cleanly: " + e.getMessage());
            return Future.succeededFuture();
          });
        }))
      .andThen(ar -> {
        if (ar.succeeded()) {
          LOG.info("settings applied: " + String.join(", ", changed) + " changed");
        } else {
          LOG.warning("settings rejected: " + ar.cause().getMessage() + "; none of the change (" + String.join(", ",
            changed) + ") was applied, keeping the last good settings");
        }
      })
      .mapEmpty();
  }

  private static Future<Void> takeOver(Staged part) {
    return part == null ? Future.succeededFuture() : part.takeOver();
  }

  private static Future<Void> discard(Staged part) {
    return part == null ? Future.succeededFuture() : part.discard();
  }
}
