package io.multiverse9.storage;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Lets a node verticle hand its storage requests to a storage verticle on its own event loop, when there is
 * one: the event-bus message then stays on that thread (no wake-up of another thread, no context switch), and
 * the requests of one event-loop turn leave for Redis in one write. Each storage verticle also listens on a
 * local address named after its event-loop thread; with as many event loops as storage verticles (the default:
 * one per core) every loop has one. Where none shares the caller's thread (another JVM of a cluster, a worker
 * thread, fewer storage verticles than loops) requests go to the node's shared storage address as before.
 *
 * <p>The thread is named by its id, not its name: ids are unique in the JVM and cannot change, where a name is
 * whatever a thread factory or a {@code setName} made it. Why the thread and not the caller's context: see
 * docs/DESIGN.md, "Storage".
 */
public final class StorageAffinity {

  private static final String MAP = "mv9.storage.affinity";

  private StorageAffinity() {
  }

  /** The address of the storage verticles on the current thread's event loop. */
  static String onThisThread(String address) {
    return address + "@" + Thread.currentThread().getId();
  }

  /** Called on the storage verticle's event loop once it listens on {@link #onThisThread}. */
  static void joined(Vertx vertx, String address) {
    map(vertx).merge(onThisThread(address), 1, Integer::sum);
  }

  /** Called on the storage verticle's event loop once it stopped listening. */
  static void left(Vertx vertx, String address) {
    map(vertx).compute(onThisThread(address), (k, n) -> n == null || n <= 1 ? null : n - 1);
  }

  /** Where a request from the current thread should go: the storage on this event loop, else {@code address}. */
  static String choose(Vertx vertx, String address) {
    String local = onThisThread(address);
    return map(vertx).containsKey(local) ? local : address;
  }

  private static LocalMap<String, Integer> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
