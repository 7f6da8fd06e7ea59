package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.client.Mv9Exception;
import io.multiverse9.protocol.Status;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestCertificates;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.Untimed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://}: the node against real redis-servers that speak only TLS (the bundled redis-server is built
 * with TLS), with a CA and certificates the test makes. The host name in the URI is checked against the server's
 * certificate, and the server requires a client certificate ({@code tls-auth-clients yes}, Redis's default).
 */
@ExtendWith(VertxExtension.class)
@Untimed
class RedisTlsTest {

  @TempDir
  static Path shared;
  @TempDir
  Path dir;
  static TestCertificates pki;
  static TestCertificates.Issued client;
  /** Its certificate names 127.0.0.1 and localhost. */
  static RedisServerProcess right;
  static int rightPort;
  /** Its certificate, from the same CA, names another host. */
  static RedisServerProcess wrong;
  static int wrongPort;

  @BeforeAll
  static void startRedis() throws Exception {
    pki = TestCertificates.authority(shared.resolve("pki"));
    client = pki.issue("mv9-node", "dns:mv9-node.invalid");
    rightPort = NodeProcess.freePort("127.0.0.1");
    right = tlsRedis(shared.resolve("right"), pki.issue("redis", "ip:127.0.0.1,dns:localhost"), rightPort);
    wrongPort = NodeProcess.freePort("127.0.0.1");
    wrong = tlsRedis(shared.resolve("wrong"), pki.issue("other", "dns:other-host.invalid"), wrongPort);
  }

  /** A redis-server on {@code tlsPort} that speaks nothing but TLS. */
  static RedisServerProcess tlsRedis(Path dir, TestCertificates.Issued cert, int tlsPort) throws Exception {
    return RedisServerProcess.start(dir, false, 0, "tlspass" + tlsPort, List.of(
      "port 0",
      "tls-port " + tlsPort,
      "tls-cert-file " + cert.cert(),
      "tls-key-file " + cert.key(),
      "tls-ca-cert-file " + pki.ca(),
      "tls-auth-clients yes"));
  }

  @AfterAll
  static void stopRedis() {
    if (right != null) {
      right.close();
    }
    if (wrong != null) {
      wrong.close();
    }
  }

  static JsonObject settings(RedisServerProcess redis, String host, int port) {
    return TestNode.settings("rediss://:" + redis.password() + "@" + host + ":" + port)
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", true))
      .put("redis", new JsonObject().put("tls", new JsonObject().put("ca", pki.ca().toString())
        .put("cert", client.cert().toString()).put("key", client.key().toString())));
  }

  @Test
  void createAndAggregateOverRedissWithTheHostNameChecked(Vertx vertx) throws Exception {
    for (String host : List.of("127.0.0.1", "localhost")) {
      try (TestNode node = TestNode.start(vertx, settings(right, host, rightPort))) {
        Mv9Client mv9 = Mv9Client.connect(vertx, new ClientOptions().withAddress("127.0.0.1", node.port()))
          .await(20, TimeUnit.SECONDS);
        String key = mv9.create(Buffer.buffer("over rediss to " + host)).await(20, TimeUnit.SECONDS);
        assertEquals("over rediss to " + host,
          mv9.aggregate(List.of(key)).await(20, TimeUnit.SECONDS).get(0).data().toString());
        mv9.close().await();
      }
    }
  }

  @Test
  void aRedisWhoseCertificateNamesAnotherHostIsRefusedAndTheStartSaysSo(Vertx vertx) throws Exception {
    // a cold JVM's first handshake can take seconds on a busy machine: the start's PING must fail on the certificate,
    // not on the storage timeout
    JsonObject settings = settings(wrong, "127.0.0.1", wrongPort)
      .put("limits", new JsonObject().put("storage_timeout_ms", 20_000));
    try (NodeProcess node = NodeProcess.start(dir, settings)) {
      Mv9Client mv9 = Mv9Client.connect(vertx, new ClientOptions().withAddress("127.0.0.1", node.port()))
        .await(20, TimeUnit.SECONDS);
      ExecutionException failed = assertThrows(ExecutionException.class,
        () -> mv9.create(Buffer.buffer("must not be stored")).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS));
      Mv9Exception refused = (Mv9Exception) failed.getCause();
      assertEquals(Status.UNAVAILABLE, refused.status());
      assertTrue(refused.getMessage().contains("certificate"), refused.getMessage());
      assertTrue(refused.getMessage().contains("127.0.0.1"), refused.getMessage());
      mv9.close().await();
      String warning = Poll.until("the node logs a WARNING", Duration.ofSeconds(20),
        () -> node.output().stream().filter(line -> line.contains("WARNING")).findFirst(),
        java.util.Optional::isPresent, none -> node.output()).orElseThrow();
      assertTrue(warning.contains("certificate") && warning.contains("127.0.0.1"), String.join("\n", node.output()));
    }
  }

  @Test
  void aCaFileThatCannotWorkStopsTheStartInOneLineNamingIt() throws Exception {
    Path notPem = dir.resolve("not-a-ca.pem");
    Files.writeString(notPem, "this is not a certificate\n");
    for (String ca : List.of(dir.resolve("missing.pem").toString(), notPem.toString())) {
      JsonObject settings = settings(right, "127.0.0.1", rightPort);
      settings.getJsonObject("redis").getJsonObject("tls").put("ca", ca);
      Path file = dir.resolve("settings.json");
      Files.writeString(file, settings.encodePrettily());
      Process process = NodeProcess.java(dir, "run", "-s", file.toString());
      boolean stopped = process.waitFor(60, TimeUnit.SECONDS);
      if (!stopped) {
        process.destroyForcibly();
      }
      assertTrue(stopped, "the node did not stop");
      String output = new String(process.getInputStream().readAllBytes()).strip();
      assertEquals(2, process.exitValue(), output);
      assertEquals(1, output.lines().count(), "one line: " + output);
      assertTrue(output.contains("redis.tls.ca") && output.contains(ca), output);
    }
  }
}
