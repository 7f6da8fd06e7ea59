package io.multiverse9.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Options that cannot work are refused where they are given, as Vert.x's own options refuse them, with a message
 * naming the value; the connection never sees them.
 */
class ClientOptionsTest {

  private static String refusal(Executable giving) {
    return assertThrows(IllegalArgumentException.class, giving).getMessage();
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    ClientOptions options = new ClientOptions();
    assertEquals("port must be between 1 and 65535, not 0", refusal(() -> options.withAddress("127.0.0.1", 0)));
    assertEquals("port must be between 1 and 65535, not 65536",
      refusal(() -> options.withAddress("127.0.0.1", 65536)));
    assertEquals("port must be between 1 and 65535, not -1", refusal(() -> options.withAddress("127.0.0.1", -1)));
    assertEquals(65535, options.withAddress("127.0.0.1", 65535).port());
    assertEquals(1, options.withAddress("127.0.0.1", 1).port());
  }

  @Test
  void aMissingOrBlankHostIsRefused() {
    assertEquals("host must be the node's host name or address, not null",
      refusal(() -> new ClientOptions().withAddress(null, 7001)));
    assertEquals("host must be the node's host name or address, not blank",
      refusal(() -> new ClientOptions().withAddress(" ", 7001)));
  }

  @Test
  void negativeTimeoutsAndBoundsBelowOneAreRefused() {
    assertEquals("requestTimeoutMs must be 0 (no bound) or more, not -1",
      refusal(() -> new ClientOptions().withRequestTimeoutMs(-1)));
    assertEquals(0, new ClientOptions().withRequestTimeoutMs(0).requestTimeoutMs());
    assertEquals("maxAnswerBytes must be 1 or more, not 0", refusal(() -> new ClientOptions().withMaxAnswerBytes(0)));
    assertEquals("connectTimeoutMs must be 0 or more, not -5", refusal(() ->
      new ClientOptions("127.0.0.1", 7001, null, -5, 0, 1, 1, null)));
    assertEquals("maxPending must be 1 or more, not 0", refusal(() ->
      new ClientOptions("127.0.0.1", 7001, null, 0, 0, 0, 1, null)));
  }

  @Test
  void tlsNeedsItsCaAndACertificateWithItsKey() {
    assertEquals("tls caPath must name the PEM certificates that vouch for the node (its own certificate, if "
      + "self-signed)", refusal(() -> new ClientOptions.Tls(null, null, null)));
    assertEquals("tls certPath and keyPath go together: give both (a client certificate and its private key) or "
      + "neither", refusal(() -> new ClientOptions.Tls("ca.pem", "me.pem", null)));
    assertEquals("tls certPath and keyPath go together: give both (a client certificate and its private key) or "
      + "neither", refusal(() -> new ClientOptions.Tls("ca.pem", null, "me.key")));
    assertEquals("me.key", new ClientOptions.Tls("ca.pem", "me.pem", "me.key").keyPath());
  }

  @Test
  void theDefaultsAreAccepted() {
    ClientOptions options = new ClientOptions();
    assertEquals(ClientOptions.DEFAULT_HOST, options.host());
    assertEquals(ClientOptions.DEFAULT_PORT, options.port());
  }
}
