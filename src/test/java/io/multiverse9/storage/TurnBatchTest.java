package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What one event-loop turn produces leaves together, in order, in lists of at most {@link TurnBatch#MAX_ITEMS}. */
@ExtendWith(VertxExtension.class)
class TurnBatchTest {

  /** Adds {@code count} items in one turn and returns once what the turn added has been handed over. */
  void oneTurn(Context context, TurnBatch<Integer> turn, int count) throws Exception {
    Promise<Void> turnOver = Promise.promise();
    context.runOnContext(v -> {
      for (int i = 0; i < count; i++) {
        turn.add(i);
      }
      context.runOnContext(after -> turnOver.complete()); // queued behind the end-of-turn hand-over
    });
    turnOver.future().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aLargeTurnLeavesInListsOfAtMostMaxItemsAndASmallOneInOne(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    List<List<Integer>> lists = new CopyOnWriteArrayList<>();
    TurnBatch<Integer> turn = new TurnBatch<>(context, lists::add);
    int max = TurnBatch.MAX_ITEMS;

    oneTurn(context, turn, 2 * max + 44);
    assertEquals(List.of(max, max, 44), lists.stream().map(List::size).toList(),
      "two full lists as they filled, the rest when the turn ended");
    List<Integer> all = new ArrayList<>();
    lists.forEach(all::addAll);
    assertEquals(IntStream.range(0, 2 * max + 44).boxed().toList(), all, "in the order added");

    lists.clear();
    oneTurn(context, turn, 5);
    assertEquals(List.of(List.of(0, 1, 2, 3, 4)), lists, "the next turn starts afresh: one list");

    lists.clear();
    oneTurn(context, turn, max);
    assertEquals(List.of(max), lists.stream().map(List::size).toList(), "exactly full: one list, no empty one");
  }
}
