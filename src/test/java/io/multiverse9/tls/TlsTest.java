package io.multiverse9.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.support.TestCertificates;
import io.multiverse9.support.TestCertificates.Issued;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.Untimed;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the listener and between peers, with certificates made by the test (issue 7). */
@ExtendWith(VertxExtension.class)
@Untimed
class TlsTest {

  @TempDir
  Path dir;
  @TempDir
  static Path certificates;
  Vertx vertx;
  // made once: generating a key pair takes a while
  static Issued nodeA;
  static Issued nodeB;
  static Issued client;
  static Issued stranger;
  Path bundle;

  @BeforeAll
  static void makeCertificates() throws Exception {
    nodeA = TestCertificates.selfSigned(certificates, "node-a");
    nodeB = TestCertificates.selfSigned(certificates, "node-b");
    client = TestCertificates.selfSigned(certificates, "client");
    stranger = TestCertificates.selfSigned(certificates, "stranger");
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    // the network's trusted certificates: both nodes and the client (each self-signed, so each its own CA)
    bundle = dir.resolve("network-ca.pem");
    Files.writeString(bundle, Files.readString(nodeA.cert()) + Files.readString(nodeB.cert())
      + Files.readString(client.cert()));
  }

  static JsonObject tls(Issued cert, Path ca) {
    JsonObject tls = new JsonObject().put("cert", cert.cert().toString()).put("key", cert.key().toString());
    return ca == null ? tls : tls.put("ca", ca.toString());
  }

  JsonObject closed(Issued cert, Path ca) {
    return TestNode.settings(TestRedis.get().uri()).put("tls", tls(cert, ca)).put("trust_loopback", false)
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false));
  }

  Mv9Client connect(int port, Issued trust, Issued as) throws Exception {
    return Mv9Client.connect(vertx, new ClientOptions().withAddress("127.0.0.1", port)
        .withTls(new ClientOptions.Tls(trust.cert().toString(), as == null ? null : as.cert().toString(),
          as == null ? null : as.key().toString())))
      .await(20, TimeUnit.SECONDS);
  }

  @Test
  void theListenerSpeaksTlsAndNothingElse() throws Exception {
    JsonObject settings = TestNode.settings(TestRedis.get().uri()).put("tls", tls(nodeA, null));
    try (TestNode node = TestNode.start(vertx, settings)) {
      Mv9Client secure = connect(node.port(), nodeA, null);
      String key = secure.create(Buffer.buffer("over TLS")).await(10, TimeUnit.SECONDS);
      assertEquals("over TLS", secure.aggregate(List.of(key)).await(10, TimeUnit.SECONDS).get(0).data().toString());
      secure.close();
      try (WireClient plain = node.connect()) {
        plain.write(WireClient.frame(5, "plain"));
        plain.assertClosedByPeer(); // a TLS server drops what is not a handshake
      }
    }
  }

  @Test
  void aClientCertificateSignedByTheCaIsRequiredAndAcknowledges() throws Exception {
    try (TestNode node = TestNode.start(vertx, closed(nodeA, bundle))) {
      Mv9Client trusted = connect(node.port(), nodeA, client);
      assertTrue(trusted.create(Buffer.buffer("acknowledged by certificate")).await(10, TimeUnit.SECONDS)
        .matches("[0-7][0-9A-Z]{25}"), "no token, no listed IP, no loopback trust: the certificate let it in");
      trusted.close();
      // with TLS 1.3 the server checks the client's certificate after the client thinks it is connected, so
      // the refusal shows on the first request
      assertThrows(Exception.class, () -> connect(node.port(), nodeA, stranger)
        .create(Buffer.buffer("x")).await(10, TimeUnit.SECONDS), "an unknown certificate");
      assertThrows(Exception.class, () -> connect(node.port(), nodeA, null)
        .create(Buffer.buffer("x")).await(10, TimeUnit.SECONDS), "no certificate");
    }
  }

  @Test
  void peersTalkTlsAndAcknowledgeEachOtherByCertificate() throws Exception {
    // B first, on a port of the system's choosing, which A's nodes then name
    try (TestNode b = TestNode.start(vertx, closed(nodeB, bundle));
         TestNode a = TestNode.start(vertx, closed(nodeA, bundle)
           .put("nodes", new JsonArray().add("127.0.0.1:" + b.port())))) {
      int portB = b.port();
      Mv9Client toB = connect(portB, nodeB, client);
      String key = toB.create(Buffer.buffer("on B")).await(10, TimeUnit.SECONDS);
      toB.close();
      Mv9Client toA = connect(a.port(), nodeA, client);
      var entry = toA.aggregate(List.of(key + "@127.0.0.1:" + portB)).await(10, TimeUnit.SECONDS).get(0);
      assertEquals(EntryStatus.FOUND, entry.status(), entry.data().toString());
      assertEquals("on B", entry.data().toString());
      toA.close();
    }
  }
}
