package io.multiverse9.service;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.TokenDigest;
import java.net.InetAddress;

/**
 * What the node knows about one client connection: where it comes from and which token it passed AUTH with.
 * Confined to the connection's event loop.
 */
public final class Session {

  private final String remoteIp;
  private final InetAddress remoteAddress;
  private final boolean verifiedCertificate;
  private TokenDigest authenticatedWith;
  private int wrongTokens;

  public Session(String remoteIp, boolean verifiedCertificate) {
    this.remoteIp = remoteIp;
    // the socket gives a literal IP: read once here, so requests compare addresses without parsing or lookups
    this.remoteAddress = remoteIp == null ? null : PeerEntry.literalIp(remoteIp);
    this.verifiedCertificate = verifiedCertificate;
  }

  /** The client proved itself with a certificate signed by the node's tls.ca. */
  boolean verifiedCertificate() {
    return verifiedCertificate;
  }

  public String remoteIp() {
    return remoteIp;
  }

  /** The client's IP, or {@code null} when the socket did not say. */
  InetAddress remoteAddress() {
    return remoteAddress;
  }

  boolean loopback() {
    return remoteAddress != null && remoteAddress.isLoopbackAddress();
  }

  /**
   * The digest of the token this connection last passed AUTH with, or {@code null}. Only the digest is kept: access
   * compares it with the token in force on each request (SPEC 3), and the token itself is never held here.
   */
  TokenDigest authenticatedWith() {
    return authenticatedWith;
  }

  /** After an AUTH: the digest of the token it matched, or {@code null} when it matched none. */
  void authenticatedWith(TokenDigest token) {
    authenticatedWith = token;
  }

  /** Counts a wrong AUTH token on this connection; returns how many it has sent. */
  int wrongToken() {
    return ++wrongTokens;
  }

  /**
   * The connection sent {@link RequestHandler#MAX_WRONG_TOKENS} wrong tokens: it may guess no more, and is closed
   * once the requests it sent before are answered.
   */
  public boolean guessedTooOften() {
    return wrongTokens >= RequestHandler.MAX_WRONG_TOKENS;
  }
}
