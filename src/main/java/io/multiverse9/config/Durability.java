package io.multiverse9.config;

/**
 * How many Redis replicas must hold a write before the node answers it ({@code durability.*}, SPEC 2.1).
 *
 * @param replicas replicas that must confirm a CREATE or REMOVE ({@code WAIT}); 0: Redis's own answer suffices
 * @param timeoutMs how long one {@code WAIT} may take; a write fewer replicas confirmed by then is answered
 *   UNAVAILABLE (a CREATE's value deleted again)
 */
public record Durability(int replicas, int timeoutMs) {

  public static final int DEFAULT_TIMEOUT_MS = 1000;

  public static Durability defaults() {
    return new Durability(0, DEFAULT_TIMEOUT_MS);
  }

  /** Whether writes wait for replicas at all. */
  public boolean waitsForReplicas() {
    return replicas > 0;
  }
}
