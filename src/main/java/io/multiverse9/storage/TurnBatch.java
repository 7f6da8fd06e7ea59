package io.multiverse9.storage;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects what one turn of an event loop produces and hands it over, as one list, once the tasks already
 * queued on that loop have run: the many requests that arrive together leave together, with no timer and no
 * measurable wait. Used twice on the storage path, at two different hops: {@link StorageClient} (the calls of a
 * node verticle's turn become one event-bus message) and {@link CommandBatcher} (the Redis commands of a storage
 * verticle's turn become one pipelined write).
 *
 * <p>Confined to {@code context}: {@link #add} is called on it only.
 */
final class TurnBatch<T> {

  private final Context context;
  private final Consumer<List<T>> flush;
  private List<T> pending = new ArrayList<>();

  /** @param flush gets each turn's items in the order they were added; never an empty list */
  TurnBatch(Context context, Consumer<List<T>> flush) {
    this.context = context;
    this.flush = flush;
  }

  void add(T item) {
    if (pending.isEmpty()) {
      context.runOnContext(v -> flush());
    }
    pending.add(item);
  }

  private void flush() {
    List<T> batch = pending;
    // sized for a turn like this one, so that a busy loop does not grow the list again every turn
    pending = new ArrayList<>(Math.max(4, batch.size()));
    flush.accept(batch);
  }
}
