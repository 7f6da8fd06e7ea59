package io.multiverse9.storage;

/**
 * What storage records about its own work, handed to it by whoever deploys it ({@link StorageVerticle}'s
 * constructor): storage says what happened and does not know where the figures go, so it depends on no metrics
 * package (which itself uses storage for {@code /health}).
 */
public interface StorageMeters {

  /** Records nothing: for storage run outside a node, as in tests. */
  StorageMeters NONE = () -> { };

  /** One storage request failed (Redis unreachable, no answer in time, an error reply, a programmer error). */
  void requestFailed();
}
