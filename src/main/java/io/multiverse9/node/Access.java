package io.multiverse9.node;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.protocol.Opcode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Who may do what (SPEC 3), decided per request from the settings in force. */
final class Access {

  private Access() {
  }

  /**
   * Acknowledged: the IP of a {@code nodes} entry, a correct AUTH token, loopback with trust_loopback, or a client
   * certificate verified against tls.ca.
   */
  static boolean acknowledged(Settings settings, Session session) {
    if (session.authenticated() || session.verifiedCertificate()
      || (session.loopback() && settings.trustLoopback())) {
      return true;
    }
    for (PeerEntry node : settings.nodes()) {
      if (node.addr().host().equalsIgnoreCase(session.remoteIp())) {
        return true;
      }
    }
    return false;
  }

  /** @return {@code null} when allowed, else why not */
  static String deny(Settings settings, Session session, Opcode opcode) {
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
  static boolean tokenMatches(String expected, String given) {
    if (expected == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(expected), sha256(given));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
