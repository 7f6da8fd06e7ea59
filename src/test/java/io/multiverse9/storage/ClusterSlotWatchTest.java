package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link ClusterSlotWatch} makes of the views of a Redis Cluster that servers give, in the order they come. */
class ClusterSlotWatchTest {

  static final String BEFORE = String.join("\n",
    "a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460",
    "b1 127.0.0.1:7001@17001 master - 0 0 2 connected 5461-10922",
    "c1 127.0.0.1:7002@17002 master - 0 0 3 connected 10923-16383",
    "b2 127.0.0.1:7004@17004 slave b1 0 0 2 connected");

  /** The replica of 127.0.0.1:7001 promoted in its place, with a new config epoch. */
  static final String AFTER = String.join("\n",
    "a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460",
    "b1 127.0.0.1:7001@17001 master,fail - 0 0 2 disconnected",
    "c1 127.0.0.1:7002@17002 master - 0 0 3 connected 10923-16383",
    "b2 127.0.0.1:7004@17004,redis-b2 master - 0 0 7 connected 5461-10922");

  @Test
  void aFailoverIsOneMoveSaidOnceAndAServerThatHasNotHeardOfItDoesNotUndoIt() {
    ClusterSlotWatch watch = new ClusterSlotWatch(null, "node", null, 1000);
    assertEquals(List.of(), watch.saw(BEFORE), "the first view is no move");
    assertEquals(List.of("slots 5461-10922 moved from 127.0.0.1:7001 to 127.0.0.1:7004 (config epoch 7)"),
      watch.saw(AFTER));
    assertEquals(List.of(), watch.saw(BEFORE), "a server that has not yet heard of the failover");
    assertEquals(List.of(), watch.saw(AFTER), "the same move again");
  }

  @Test
  void slotsMovedByHandToAnOwnerWithAHigherEpochAreAMoveOfTheirOwn() {
    ClusterSlotWatch watch = new ClusterSlotWatch(null, "node", null, 1000);
    watch.saw(BEFORE);
    String resharded = BEFORE.replace("connected 0-5460", "connected 0-99 101-5460")
      .replace("3 connected 10923-16383", "8 connected 100 10923-16383");
    assertEquals(List.of("slots 100 moved from 127.0.0.1:7000 to 127.0.0.1:7002 (config epoch 8)"),
      watch.saw(resharded));
  }
}
