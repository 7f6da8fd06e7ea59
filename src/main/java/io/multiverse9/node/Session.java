package io.multiverse9.node;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** What the node knows about one client connection: where it comes from and whether it passed AUTH. */
final class Session {

  private final String remoteIp;
  private final boolean loopback;
  private final boolean verifiedCertificate;
  private boolean authenticated;

  Session(String remoteIp, boolean verifiedCertificate) {
    this.remoteIp = remoteIp;
    this.loopback = isLoopback(remoteIp);
    this.verifiedCertificate = verifiedCertificate;
  }

  /** The client proved itself with a certificate signed by the node's tls.ca. */
  boolean verifiedCertificate() {
    return verifiedCertificate;
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
