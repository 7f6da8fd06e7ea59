package io.multiverse9.bus;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Lets a verticle hand event-bus requests to a consumer on its own event loop, when there is one: the message then
 * stays on that thread (no wake-up of another thread, no context switch), and what the consumer sends on in one
 * turn leaves in one write. A consumer that wants such callers also listens on a local address named after its
 * event-loop thread ({@link #onThisThread}) and says so ({@link #joined}); with one instance per event loop every
 * loop has one. Where none shares the caller's thread (another JVM of a cluster, a worker thread, fewer instances
 * than loops) requests go to the shared address.
 *
 * <p>The thread is named by its id, not its name: ids are unique in the JVM and cannot change, where a name is
 * whatever a thread factory or a {@code setName} made it. Why the thread and not the caller's context: see
 * docs/DESIGN.md, "Storage".
 */
public final class LoopAffinity {

  private static final String MAP = "mv9.loop.affinity";

  private LoopAffinity() {
  }

  /** The address of the consumers of {@code address} on the current thread's event loop. */
  public static String onThisThread(String address) {
    return address + "@" + Thread.currentThread().getId();
  }

  /** Called on the consumer's event loop once it listens on {@link #onThisThread}. */
  public static void joined(Vertx vertx, String address) {
    map(vertx).merge(onThisThread(address), 1, Integer::sum);
  }

  /** Called on the consumer's event loop once it stopped listening. */
  public static void left(Vertx vertx, String address) {
    map(vertx).compute(onThisThread(address), (k, n) -> n == null || n <= 1 ? null : n - 1);
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
