package io.multiverse9.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.LocalMap;

/**
 * Lets a verticle hand event-bus requests to a consumer on its own event loop, when there is one: the message then
 * stays on that thread (no wake-up of another thread, no context switch), and what the consumer sends on in one
 * turn leaves in one write. A consumer that wants such callers also listens on a local address named after its
 * event-loop thread and says so ({@link #listen}); with one instance per event loop every loop has one. Where
 * none shares the caller's thread (another JVM of a cluster, a worker thread, fewer instances than loops)
 * requests go to the shared address.
 *
 * <p>The thread is named by its id, not its name: ids are unique in the JVM and cannot change, where a name is
 * whatever a thread factory or a {@code setName} made it. Why the thread and not the caller's context: see
 * docs/DESIGN.md, "Storage".
 */
public final class LoopAffinity {

  private static final String MAP = "mv9.loop.affinity";

  private LoopAffinity() {
  }

  /**
   * Listens with {@code handler} on {@code address} (for everyone, across a cluster too) and on the address of this
   * event loop (for callers on it), and makes the latter known to {@link #choose} once both listen. Call on the
   * consumer's event loop; so is {@link Listener#stop}.
   */
  public static <T> Listener<T> listen(Vertx vertx, String address, Handler<Message<T>> handler) {
    MessageConsumer<T> shared = vertx.eventBus().consumer(address, handler);
    MessageConsumer<T> onThread = vertx.eventBus().localConsumer(onThisThread(address), handler);
    Future<Void> ready = Future.all(shared.completion(), onThread.completion())
      .onSuccess(v -> map(vertx).merge(onThisThread(address), 1, Integer::sum))
      .mapEmpty();
    return new Listener<>(vertx, address, shared, onThread, ready);
  }

  /** Both consumers of {@link #listen}: {@link #ready} once they listen. */
  public record Listener<T>(Vertx vertx, String address, MessageConsumer<T> shared, MessageConsumer<T> onThread,
                            Future<Void> ready) {

    /** Stops both; callers on this loop go to the shared address from now on. */
    public Future<Void> stop() {
      map(vertx).compute(onThisThread(address), (k, n) -> n == null || n <= 1 ? null : n - 1);
      return Future.all(shared.unregister(), onThread.unregister()).mapEmpty();
    }
  }

  private static String onThisThread(String address) {
    return address + "@" + Thread.currentThread().getId();
  }

  /** Where a request from the current thread should go: the consumer on this event loop, else {@code address}. */
  public static String choose(Vertx vertx, String address) {
    String local = onThisThread(address);
    return map(vertx).containsKey(local) ? local : address;
  }

  private static LocalMap<String, Integer> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
