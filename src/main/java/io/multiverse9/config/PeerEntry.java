package io.multiverse9.config;

import io.multiverse9.protocol.Address;

/**
 * A node this node acknowledges ({@code nodes} in the settings).
 *
 * @param addr where it listens
 * @param token sent with AUTH when connecting to it, or {@code null}; never logged
 */
public record PeerEntry(Address addr, String token) {

  @Override
  public String toString() {
    return addr.toString();
  }
}
