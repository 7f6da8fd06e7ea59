package io.multiverse9.storage;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Says at WARNING when a Redis Cluster hands slots to another master: a replica promoted in place of a master that
 * failed, or slots moved by an operator. Asks the cluster ({@code CLUSTER NODES}) every {@link #INTERVAL_MS} on
 * the storage connection; a slot's owner changes only for one with a higher config epoch, which is how Redis
 * orders the claims, so a server that has not yet heard of a failover never makes the view go back. One line per
 * node and move, whichever of its storage verticles sees it first. Confined to the storage verticle's context.
 */
final class ClusterSlotWatch {

  static final long INTERVAL_MS = 1000;
  private static final Logger LOG = Logger.getLogger(ClusterSlotWatch.class.getName());
  private static final int SLOTS = 16_384;
  /** Moves already said, by node: shared by the node's storage verticles in this Vert.x instance. */
  private static final String SAID = "mv9.storage.cluster-moves-said";
  /** Past this many moves remembered, the memory of them starts again (a move is said at most once more). */
  private static final int MAX_REMEMBERED = 256;

  private final Vertx vertx;
  private final String node;
  private final RedisConnectionHolder connection;
  private final long timeoutMs;
  /** The owner of each slot as last seen ({@code host:port}), {@code null} while unknown, and its config epoch. */
  private final String[] owner = new String[SLOTS];
  private final long[] epoch = new long[SLOTS];
  private boolean looking;

  /** @param node the node's storage address, which its verticles share */
  ClusterSlotWatch(Vertx vertx, String node, RedisConnectionHolder connection, long timeoutMs) {
    this.vertx = vertx;
    this.node = node;
    this.connection = connection;
    this.timeoutMs = timeoutMs;
    Arrays.fill(epoch, -1);
  }

  /** Asks the cluster who owns which slots, unless an answer is still awaited; a failure waits for the next time. */
  void look() {
    if (looking) {
      return;
    }
    looking = true;
    connection.get()
      .compose(c -> c.send(Request.cmd(Command.CLUSTER).arg("NODES")))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(nodes -> say(saw(nodes.toString())))
      .onComplete(ar -> looking = false);
  }

  /**
   * Takes what one server said of the cluster ({@code CLUSTER NODES}): the moves it shows, none the first time or
   * from a server that has not yet heard of them.
   */
  List<String> saw(String clusterNodes) {
    String[] movedFrom = new String[SLOTS];
    for (String line : clusterNodes.split("\n")) {
      String[] fields = line.trim().split(" ");
      // <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link> <slot>...
      if (fields.length < 9 || !Arrays.asList(fields[2].split(",")).contains("master")) {
        continue;
      }
      String address = fields[1].split("@")[0];
      long configEpoch = Long.parseLong(fields[6]);
      for (int i = 8; i < fields.length; i++) {
        if (fields[i].startsWith("[")) { // a slot being migrated or imported: still its owner's until it is not
          continue;
        }
        String[] range = fields[i].split("-");
        int from = Integer.parseInt(range[0]);
        int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
        for (int slot = from; slot <= to && slot < SLOTS; slot++) {
          if (configEpoch > epoch[slot]) {
            if (owner[slot] != null && !owner[slot].equals(address)) {
              movedFrom[slot] = owner[slot];
            }
            owner[slot] = address;
            epoch[slot] = configEpoch;
          }
        }
      }
    }
    return moves(movedFrom);
  }

  private void say(List<String> moves) {
    for (String move : moves) {
      LocalMap<String, Boolean> said = vertx.sharedData().getLocalMap(SAID);
      if (said.size() > MAX_REMEMBERED) {
        said.clear();
      }
      if (said.putIfAbsent(node + " " + move, true) == null) {
        LOG.warning("storage: Redis Cluster " + move + "; the node stores and reads them there now. If the old "
          + "master failed, the writes it had answered but not yet passed to its replica are lost (on a Redis "
          + "Cluster the node waits for no replica): start it again, and it rejoins as a replica of the new one");
      }
    }
  }

  /** "slots a-b moved from X to Y (config epoch E)", one for each run of slots that moved between the same two. */
  private List<String> moves(String[] movedFrom) {
    List<String> moves = new ArrayList<>();
    int slot = 0;
    while (slot < SLOTS) {
      if (movedFrom[slot] == null) {
        slot++;
        continue;
      }
      int first = slot;
      while (slot + 1 < SLOTS && movedFrom[first].equals(movedFrom[slot + 1]) && owner[first].equals(owner[slot + 1])) {
        slot++;
      }
      moves.add("slots " + (first == slot ? String.valueOf(first) : first + "-" + slot) + " moved from "
        + movedFrom[first] + " to " + owner[first] + " (config epoch " + epoch[first] + ")");
      slot++;
    }
    return moves;
  }
}
