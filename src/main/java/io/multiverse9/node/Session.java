package io.multiverse9.node;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** What the node knows about one client connection: where it comes from and whether it passed AUTH. */
final class Session {

  private final String remoteIp;
  private final boolean loopback;
  private boolean authenticated;

  Session(String remoteIp) {
    this.remoteIp = remoteIp;
    this.loopback = isLoopback(remoteIp);
  }

  String remoteIp() {
    return remoteIp;
  }

  boolean loopback() {
    return loopback;
  }

  boolean authenticated() {
    return authenticated;
  }

  void authenticated(boolean value) {
    authenticated = value;
  }

  private static boolean isLoopback(String ip) {
    try {
      // a literal IP, so no name lookup happens here
      return ip != null && InetAddress.getByName(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
