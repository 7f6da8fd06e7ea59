package io.multiverse9.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one rule of every TLS client connection to a node: the network's own CA vouches for membership whatever host
 * a certificate names; without it the JVM's CAs vouch for names only, so the host connected to is checked.
 */
class PemTlsTest {

  @Test
  void withTheNetworksCaItsCertificatesAreTrustedWhateverHostTheyName() {
    NetClientOptions options = PemTls.client(new NetClientOptions(), "me.pem", "me.key", "ca.pem");
    assertTrue(options.isSsl());
    assertEquals("", options.getHostnameVerificationAlgorithm());
    assertEquals(List.of("ca.pem"), ((PemTrustOptions) options.getTrustOptions()).getCertPaths());
    PemKeyCertOptions identity = (PemKeyCertOptions) options.getKeyCertOptions();
    assertEquals(List.of("me.pem"), identity.getCertPaths());
    assertEquals(List.of("me.key"), identity.getKeyPaths());
  }

  @Test
  void withoutACaTheJvmsCasAreTrustedForTheHostConnectedTo() {
    NetClientOptions options = PemTls.client(new NetClientOptions(), "me.pem", "me.key", null);
    assertTrue(options.isSsl());
    assertEquals("HTTPS", options.getHostnameVerificationAlgorithm());
    assertNull(options.getTrustOptions());
  }

  @Test
  void withoutACertificateNoneIsShown() {
    NetClientOptions options = PemTls.client(new NetClientOptions(), null, null, "ca.pem");
    assertNull(options.getKeyCertOptions());
    assertEquals("", options.getHostnameVerificationAlgorithm());
  }
}
