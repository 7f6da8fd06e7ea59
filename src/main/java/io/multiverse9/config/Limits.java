package io.multiverse9.config;

/**
 * The bounds a node enforces (SPEC 4, {@code limits.*}). Every one is enforced where the data enters.
 *
 * @param maxFrameBytes largest payload of a frame, and longest text line
 * @param maxTargets most targets in one AGGREGATE, and most keys in one REMOVE
 * @param maxConnections most open client connections per node
 * @param idleTimeoutS a connection idle this long is closed
 * @param peerTimeoutMs bound on one request to a peer node
 * @param maxPipeline requests in flight per connection before the node stops reading from it
 * @param storageTimeoutMs bound on one storage request; past it the request is answered UNAVAILABLE
 */
public record Limits(int maxFrameBytes, int maxTargets, int maxConnections, int idleTimeoutS, int peerTimeoutMs,
                     int maxPipeline, int storageTimeoutMs) {

  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_TARGETS = 4096;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_IDLE_TIMEOUT_S = 300;
  public static final int DEFAULT_PEER_TIMEOUT_MS = 2_000;
  public static final int DEFAULT_MAX_PIPELINE = 1024;
  public static final int DEFAULT_STORAGE_TIMEOUT_MS = 3_000;

  public static Limits defaults() {
    return new Limits(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_TARGETS, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT_S,
      DEFAULT_PEER_TIMEOUT_MS, DEFAULT_MAX_PIPELINE, DEFAULT_STORAGE_TIMEOUT_MS);
  }
}
