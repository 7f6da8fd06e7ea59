package io.multiverse9.service;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.config.TokenDigest;
import java.net.InetAddress;
import java.security.MessageDigest;

/** Who may do what (SPEC 3), decided per request from the settings in force. */
public final class Access {

  private Access() {
  }

  /**
   * Acknowledged: the IP of a {@code nodes} entry, AUTH with the token in force (a connection that authenticated
   * with a token since changed or removed is no longer acknowledged by it), loopback with trust_loopback, or a
   * client certificate verified against tls.ca (SPEC 3).
   */
  public static boolean acknowledged(Settings settings, Session session) {
    if (session.verifiedCertificate() || (session.loopback() && settings.trustLoopback())) {
      return true;
    }
    if (session.authenticatedWith() != null && session.authenticatedWith().sameTokenAs(settings.authTokenDigest())) {
      return true;
    }
    InetAddress remote = session.remoteAddress();
    if (remote != null) {
      for (PeerEntry node : settings.nodes()) {
        // InetAddress equality is by address: ::1 and 0:0:0:0:0:0:0:1 are one host, ::ffff:10.0.0.2 is 10.0.0.2
        if (remote.equals(node.ip())) {
          return true;
        }
      }
    }
    return false;
  }

  /** @return {@code null} when allowed, else why not */
  public static String deny(Settings settings, Session session, Opcode opcode) {
    switch (opcode) {
      case CREATE, REMOVE, AGGREGATE -> {
        if (settings.perms().openInteractions() || acknowledged(settings, session)) {
          return null;
        }
        return opcode + " is allowed to acknowledged connections only (perms.open_interactions is false): "
          + "send AUTH with the node's token, or connect from an address listed in its nodes";
      }
      case METADATA -> {
        if (settings.perms().openMetadata() || acknowledged(settings, session)) {
          return null;
        }
        return "METADATA is allowed to acknowledged connections only (perms.open_metadata is false): "
          + "send AUTH with the node's token, or connect from an address listed in its nodes";
      }
      default -> {
        return null;
      }
    }
  }

  /** Compares in constant time, whatever the lengths: digests first, then {@link MessageDigest#isEqual}. */
  static boolean tokenMatches(TokenDigest expected, String given) {
    return expected != null && expected.matches(given);
  }
}
