package io.multiverse9.storage;

import io.multiverse9.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the master that Sentinel names ({@code redis.type sentinel}): subscribed to {@code +switch-master} on one
 * sentinel (the next one, a second later, when that connection is lost), and asking it where the master is each
 * time it subscribes, so that a failover while no sentinel was listened to is seen too. When the master changes, it
 * replaces the storage verticle's connection, so that no further command goes to the old master even if that one
 * is still up (demoted, it refuses writes; cut off from the others, it takes writes that the failover loses), and it
 * says so at WARNING, once per node and change.
 *
 * <p>Confined to the storage verticle's context.
 */
final class SentinelWatch {

  private static final Logger LOG = Logger.getLogger(SentinelWatch.class.getName());
  /** The master each node was last said to be on, shared by the node's storage verticles: one line per change. */
  private static final String SAID = "mv9.storage.master-said";
  private static final long RETRY_MS = 1000;

  private final Vertx vertx;
  private final Settings settings;
  private final Runnable masterMoved;
  private Redis client;
  private int nextEndpoint;
  /** host:port of the master, as last heard; {@code null} before the first answer. */
  private String master;
  private boolean stopped;
  private long retryTimer = -1;

  /** @param masterMoved runs when Sentinel names another master than before */
  SentinelWatch(Vertx vertx, Settings settings, Runnable masterMoved) {
    this.vertx = vertx;
    this.settings = settings;
    this.masterMoved = masterMoved;
  }

  void start() {
    retryTimer = -1;
    if (stopped) {
      return;
    }
    List<String> endpoints = settings.redis().endpoints();
    String endpoint = endpoints.get(nextEndpoint++ % endpoints.size());
    Redis sentinel = Redis.createClient(vertx, RedisOptionsFactory.sentinel(settings, endpoint));
    client = sentinel;
    sentinel.connect().compose(c -> {
      c.handler(this::onMessage).exceptionHandler(e -> lost(sentinel, e)).endHandler(v -> lost(sentinel, null));
      // asked before subscribing: a RESP2 connection takes no other command once subscribed
      return c.send(Request.cmd(Command.SENTINEL).arg("GET-MASTER-ADDR-BY-NAME").arg(settings.redis().masterName()))
        .compose(address -> {
          if (address != null && address.size() == 2) {
            masterIs(address.get(0) + ":" + address.get(1), null);
          }
          return c.send(Request.cmd(Command.SUBSCRIBE).arg("+switch-master"));
        });
    }).onFailure(e -> lost(sentinel, e));
  }

  Future<Void> stop() {
    stopped = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    return client == null ? Future.succeededFuture() : client.close();
  }

  /** Another sentinel, a second later: the one listened to may be down, which a failover does not need. */
  private void lost(Redis which, Throwable cause) {
    if (which != client || stopped) {
      return;
    }
    LOG.log(Level.FINE, "storage: lost the sentinel connection; trying the next sentinel", cause);
    client = null;
    which.close();
    retryTimer = vertx.setTimer(RETRY_MS, id -> start());
  }

  // ["message", "+switch-master", "<master name> <old ip> <old port> <new ip> <new port>"], a PUSH on RESP3
  private void onMessage(Response message) {
    if (message.size() < 3 || !"message".equalsIgnoreCase(message.get(0).toString())) {
      return;
    }
    String[] words = message.get(2).toString().split(" ");
    if (words.length == 5 && words[0].equals(settings.redis().masterName())) {
      masterIs(words[3] + ":" + words[4], words[1] + ":" + words[2]);
    }
  }

  /** @param before the old master as the message names it, or {@code null} */
  private void masterIs(String now, String before) {
    String last = master != null ? master : before;
    master = now;
    if (last == null || last.equals(now)) {
      return;
    }
    masterMoved.run();
    String said = vertx.sharedData().<String, String>getLocalMap(SAID).put(StorageVerticle.address(settings), now);
    if (!now.equals(said)) {
      int replicas = settings.durability().replicas();
      LOG.warning("storage: Sentinel moved Redis master " + settings.redis().masterName() + " from " + last + " to "
        + now + "; writes go to " + now + " from now on (" + (replicas > 0 ? "durability.replicas " + replicas
        + ": each value acknowledged before was held by " + replicas + " replica(s)" : "durability.replicas 0: "
        + "values acknowledged just before the move may be lost; set durability.replicas to keep them") + ")");
    }
  }
}
