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
 * @param maxPendingBytes bytes of answers per connection not yet written to its socket before the node stops
 *   reading from it
 * @param maxBufferedBytes bytes of requests being received and answers not yet written, all connections
 *   together, before the node stops reading new requests
 * @param maxAnswerBytes largest answer the node builds; a larger one is refused TOO_LARGE
 * @param maxStrangerFrameBytes largest request a connection that is not acknowledged can make the node hold
 * @param tlsHandshakeTimeoutMs a connection to a TLS listener that has not finished its handshake this long after
 *   it was accepted is closed (it holds one of {@code maxConnections} meanwhile)
 */
public record Limits(int maxFrameBytes, int maxTargets, int maxConnections, int idleTimeoutS, int peerTimeoutMs,
                     int maxPipeline, int storageTimeoutMs, int maxPendingBytes, long maxBufferedBytes,
                     int maxAnswerBytes, int maxStrangerFrameBytes, int tlsHandshakeTimeoutMs) {

  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_TARGETS = 4096;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_IDLE_TIMEOUT_S = 300;
  public static final int DEFAULT_PEER_TIMEOUT_MS = 2_000;
  public static final int DEFAULT_MAX_PIPELINE = 1024;
  public static final int DEFAULT_STORAGE_TIMEOUT_MS = 3_000;
  public static final int DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024;
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 256L * 1024 * 1024;
  public static final int DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024;
  public static final int DEFAULT_MAX_STRANGER_FRAME_BYTES = 64 * 1024;
  public static final int DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

  public static Limits defaults() {
    return new Limits(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_TARGETS, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT_S,
      DEFAULT_PEER_TIMEOUT_MS, DEFAULT_MAX_PIPELINE, DEFAULT_STORAGE_TIMEOUT_MS, DEFAULT_MAX_PENDING_BYTES,
      DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_ANSWER_BYTES, DEFAULT_MAX_STRANGER_FRAME_BYTES,
      DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS);
  }
}
