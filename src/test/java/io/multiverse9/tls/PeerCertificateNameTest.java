package io.multiverse9.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.TestCertificates;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.Untimed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without {@code tls.ca}, a peer's certificate is checked against the JVM's CAs, which vouch for names, not for
 * membership of a network: so it must also be valid for the host its {@code nodes} entry names (issue 29). Here
 * the test's CA stands for a public one: the front node's JVM trusts it as one of its own CAs.
 */
@ExtendWith(VertxExtension.class)
@Untimed
class PeerCertificateNameTest {

  @TempDir
  Path dir;
  Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
  }

  @Test
  void aPeerWhoseCertificateIsValidForAnotherNameIsRefused() throws Exception {
    TestCertificates pki = TestCertificates.authority(dir.resolve("pki"));
    // the two peers run in the test's JVM, with certificates of the same CA
    try (TestNode named = TestNode.start(vertx, tlsNode(pki.issue("named", "ip:127.0.0.1"), null));
         TestNode other = TestNode.start(vertx, tlsNode(pki.issue("other", "dns:elsewhere.invalid"), null))) {
      String namedKey = createOn(named, pki, "on the peer named 127.0.0.1");
      String otherKey = createOn(other, pki, "on a peer whose certificate names elsewhere.invalid");

      String namedAddr = "127.0.0.1:" + named.port();
      String otherAddr = "127.0.0.1:" + other.port();
      JsonObject front = tlsNode(pki.issue("front", "ip:127.0.0.1"),
        new JsonArray().add(namedAddr).add(otherAddr));
      Path frontDir = dir.resolve("front");
      Files.createDirectories(frontDir);
      Path settings = frontDir.resolve("settings.json");
      Files.writeString(settings, front.encodePrettily());
      String trustStore = "-Djavax.net.ssl.trustStore=" + pki.trustStore() + " -Djavax.net.ssl.trustStoreType=PKCS12"
        + " -Djavax.net.ssl.trustStorePassword=" + TestCertificates.PASSWORD;
      try (NodeProcess node = NodeProcess.start(frontDir, settings, Map.of("JAVA_TOOL_OPTIONS", trustStore))) {
        Mv9Client client = connect(node.port(), pki);
        List<AggregateEntry> entries = client.aggregate(List.of(namedKey + "@" + namedAddr,
          otherKey + "@" + otherAddr)).await(20, TimeUnit.SECONDS);
        client.close();

        assertEquals(EntryStatus.FOUND, entries.get(0).status(),
          "the peer whose certificate names 127.0.0.1: " + entries.get(0).data());
        assertEquals("on the peer named 127.0.0.1", entries.get(0).data().toString());
        String refusal = entries.get(1).data().toString();
        assertEquals(EntryStatus.UNAVAILABLE, entries.get(1).status(),
          "a certificate of a trusted CA for another name posed as " + otherAddr + ": " + refusal);
        assertTrue(refusal.contains(otherAddr) && refusal.contains("TLS certificate is not accepted")
          && refusal.contains("No subject alternative names matching IP address 127.0.0.1 found"), refusal);
      }
    }
  }

  static JsonObject tlsNode(TestCertificates.Issued cert, JsonArray nodes) {
    JsonObject settings = TestNode.settings(TestRedis.get().uri())
      .put("tls", new JsonObject().put("cert", cert.cert().toString()).put("key", cert.key().toString()));
    return nodes == null ? settings : settings.put("nodes", nodes);
  }

  Mv9Client connect(int port, TestCertificates pki) throws Exception {
    return Mv9Client.connect(vertx, new ClientOptions().withAddress("127.0.0.1", port)
        .withTls(new ClientOptions.Tls(pki.ca().toString(), null, null)))
      .await(20, TimeUnit.SECONDS);
  }

  String createOn(TestNode node, TestCertificates pki, String value) throws Exception {
    Mv9Client client = connect(node.port(), pki);
    String key = client.create(Buffer.buffer(value)).await(10, TimeUnit.SECONDS);
    client.close();
    return key;
  }
}
