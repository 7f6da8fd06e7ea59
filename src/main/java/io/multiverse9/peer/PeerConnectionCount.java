package io.multiverse9.peer;

import io.multiverse9.metrics.NodeMetrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code mv9_peer_connections{peer}}: the open pooled connections to each peer, summed over every pool of this
 * JVM. Pools come and go (settings changes replace them, each peer verticle has its own), but a gauge registered
 * twice with the same tags keeps reading the first registration: so the gauge is registered once per peer, on a
 * count that every pool to that peer adds to and takes from.
 */
final class PeerConnectionCount {

  private static final ConcurrentMap<String, AtomicInteger> BY_PEER = new ConcurrentHashMap<>();

  private PeerConnectionCount() {
  }

  /** The count of {@code peer}'s connections, its gauge registered the first time it is asked for. */
  static AtomicInteger of(String peer) {
    return BY_PEER.computeIfAbsent(peer, p -> {
      AtomicInteger open = new AtomicInteger();
      NodeMetrics.gauge("mv9_peer_connections", "Open pooled connections to a peer", open::get, "peer", p);
      return open;
    });
  }
}
