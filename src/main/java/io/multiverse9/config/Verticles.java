package io.multiverse9.config;

/** How many instances of each verticle a node deploys ({@code verticles.*}). */
public record Verticles(int node, int storage, int peer) {

  /**
   * Most instances of one verticle: several per core on the largest machines, while a typo such as 100000 stops
   * the start with a message instead of deploying for minutes under blocked-thread warnings.
   */
  public static final int MAX_INSTANCES = 256;
}
