package io.multiverse9.config;

import io.multiverse9.protocol.Address;
import io.netty.util.NetUtil;
import java.net.InetAddress;

/**
 * A node this node acknowledges ({@code nodes} in the settings).
 *
 * @param addr where it listens
 * @param token sent with AUTH when connecting to it, or {@code null}; never logged
 * @param ip the IP of {@code addr} when its host is written as one, else {@code null}: connections from it are
 *   acknowledged by comparing addresses, not strings (SPEC 3: {@code [::1]} is {@code [0:0:0:0:0:0:0:1]}). A host
 *   name is not looked up for this: a lookup per connection would let a slow resolver stall the node, and one at
 *   load would go stale; such a peer is acknowledged when it sends AUTH.
 */
public record PeerEntry(Address addr, String token, InetAddress ip) {

  /** An entry whose IP, when {@code addr} holds a literal one, is read from it here (never looked up). */
  public PeerEntry(Address addr, String token) {
    this(addr, token, literalIp(addr.host()));
  }

  /** The address of a literal IPv4 or IPv6 host, or {@code null} for a host name. */
  public static InetAddress literalIp(String host) {
    return NetUtil.createInetAddressFromIpAddressString(host);
  }

  @Override
  public String toString() {
    return addr.toString();
  }
}
