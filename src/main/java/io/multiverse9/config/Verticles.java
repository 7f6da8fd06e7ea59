package io.multiverse9.config;

/** How many instances of each verticle a node deploys ({@code verticles.*}). */
public record Verticles(int node, int storage, int peer) {

  /**
   * Most instances of one verticle: several per core on the largest machines, while a typo such as 100000 stops
   * the start with a message instead of deploying for minutes under blocked-thread warnings.
   */
  public static final int MAX_INSTANCES = 256;

  /**
   * Node verticles when {@code verticles.node} is not set: one per core, but one fewer when Redis runs on this
   * machine, whose single thread then needs a core of its own. On two cores beside Redis, two node verticles paid
   * a second event loop's wake-ups on every request (18 context switches per 100 requests against 4 with one) and
   * made Redis read fewer commands per call: one served P1 as fast as twemproxy, two did not (docs/BENCHMARKS.md,
   * "Node verticles").
   */
  public static int defaultNodeInstances(int cores, boolean redisOnThisMachine) {
    return redisOnThisMachine ? Math.max(1, cores - 1) : cores;
  }
}
