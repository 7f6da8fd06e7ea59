package io.multiverse9.storage;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects what one turn of an event loop produces and hands it over, as one list (or a few, below), once the
 * tasks already queued on that loop have run: the many requests that arrive together leave together, with no
 * timer and no measurable wait. Used twice on the storage path, at two different hops: {@link StorageClient}
 * (the calls of a node verticle's turn become one event-bus message) and {@link CommandBatcher} (the Redis
 * commands of a storage verticle's turn become one pipelined write).
 *
 * <p>A list holds at most {@link #MAX_ITEMS}: past that it is handed over at once and a new one begins. A list is
 * answered as a whole (the storage verticle replies to a node verticle's message when every call in it is done,
 * and the Redis client completes a pipelined batch when its last command is answered), so one list of a turn's
 * hundreds of pipelined requests held its first answers until Redis had worked through the last one, and the
 * node and Redis took turns instead of working at once. Lists of 256 served 11 % more CREATEs at P16 than whole
 * turns, at about 3 % fewer reads of one key (more messages and writes for the same work); splitting only one of
 * the two hops gained nothing (docs/BENCHMARKS.md, "What was changed"). A turn of up to 256 requests (any
 * unpipelined load of up to 256 connections) still leaves as one list.
 *
 * <p>Confined to {@code context}: {@link #add} is called on it only.
 */
final class TurnBatch<T> {

  static final int MAX_ITEMS = 256;

  private final Context context;
  private final Consumer<List<T>> flush;
  private List<T> pending = new ArrayList<>();
  private boolean endOfTurnScheduled;

  /** @param flush gets each turn's items in the order they were added, in lists of 1 to {@link #MAX_ITEMS} */
  TurnBatch(Context context, Consumer<List<T>> flush) {
    this.context = context;
    this.flush = flush;
  }

  void add(T item) {
    if (!endOfTurnScheduled) {
      endOfTurnScheduled = true;
      context.runOnContext(v -> {
        endOfTurnScheduled = false;
        if (!pending.isEmpty()) {
          flush();
        }
      });
    }
    pending.add(item);
    if (pending.size() == MAX_ITEMS) {
      flush();
    }
  }

  private void flush() {
    List<T> batch = pending;
    // sized for a turn like this one, so that a busy loop does not grow the list again every turn
    pending = new ArrayList<>(Math.max(4, batch.size()));
    flush.accept(batch);
  }
}
