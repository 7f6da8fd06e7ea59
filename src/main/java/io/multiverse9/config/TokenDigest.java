package io.multiverse9.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 digest of a token: what a connection remembers of the token it authenticated with, so that access
 * can follow the token in force (SPEC 3) without keeping the token itself where it could be logged. The digest
 * of the token in force is computed once per settings version, not per request.
 */
public final class TokenDigest {

  private final byte[] digest;

  private TokenDigest(byte[] digest) {
    this.digest = digest;
  }

  /** The digest of {@code token}, or {@code null} when there is no token. */
  public static TokenDigest of(String token) {
    return token == null ? null : new TokenDigest(sha256(token));
  }

  /** Whether {@code given} is the token digested here; constant time, whatever the lengths (SPEC 3). */
  public boolean matches(String given) {
    return given != null && MessageDigest.isEqual(digest, sha256(given));
  }

  /** Whether both digest the same token; constant time. */
  public boolean sameTokenAs(TokenDigest other) {
    return other != null && MessageDigest.isEqual(digest, other.digest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenDigest other && sameTokenAs(other);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  /** Nothing of the token, not even its digest: a digest of a short token can be guessed. */
  @Override
  public String toString() {
    return "TokenDigest[***]";
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
