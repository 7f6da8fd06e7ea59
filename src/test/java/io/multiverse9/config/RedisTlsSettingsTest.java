package io.multiverse9.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestCertificates;
import io.multiverse9.support.Untimed;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code redis.tls}: a setting that cannot work stops the start in one line naming the field (issue 29). */
@Untimed
class RedisTlsSettingsTest {

  @TempDir
  static Path dir;
  static TestCertificates pki;
  static TestCertificates.Issued client;

  final List<String> warnings = new ArrayList<>();
  final SettingsParser parser = new SettingsParser(warnings::add);

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestCertificates.authority(dir.resolve("pki"));
    client = pki.issue("client", "dns:client.invalid");
  }

  static JsonObject settings(String redisUri, JsonObject tls) {
    return new JsonObject(SettingsParserTest.ORIGINAL).put("redis_uri", redisUri)
      .put("redis", new JsonObject().put("tls", tls));
  }

  JsonObject good() {
    return new JsonObject().put("ca", pki.ca().toString()).put("cert", client.cert().toString())
      .put("key", client.key().toString());
  }

  String refusal(JsonObject settings) {
    SettingsException e = assertThrows(SettingsException.class, () -> parser.parse(settings));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aWorkingSettingIsKeptAndItsPasswordNeverShown() {
    Settings s = parser.parse(settings("rediss://:pw-s3cr3t@10.0.0.5:6380", good()));
    assertEquals(new RedisTls(pki.ca().toString(), client.cert().toString(), client.key().toString()),
      s.redis().tls());
    assertEquals(List.of(), warnings);
    assertFalse(refusal(settings("redis://:pw-s3cr3t@10.0.0.5:6379", good())).contains("pw-s3cr3t"));
  }

  @Test
  void tlsForAUriThatIsNotRedissIsRefused() {
    String message = refusal(settings("redis://10.0.0.5:6379", good()));
    assertTrue(message.startsWith("redis.tls: is set but no Redis URI is rediss://"), message);
    parser.parse(settings("redis://10.0.0.5:6379", good()).put("redis", new JsonObject().put("type", "cluster")
      .put("tls", good()).put("endpoints", new io.vertx.core.json.JsonArray().add("rediss://10.0.0.5:7000"))));
  }

  @Test
  void aCaThatIsMissingOrIsNoCertificateIsNamed() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnotbase64!!\n"
      + "-----END CERTIFICATE-----\n");
    Path text = Files.writeString(dir.resolve("text.pem"), "hello\n");
    for (Path ca : List.of(dir.resolve("missing.pem"), garbage, text, client.key())) {
      String message = refusal(settings("rediss://10.0.0.5:6380", good().put("ca", ca.toString())));
      assertTrue(message.startsWith("redis.tls.ca: ") && message.contains(ca.toString()), message);
    }
  }

  @Test
  void aClientCertificateNeedsItsKeyAndAKeyMustBeAnUnencryptedPemKey() throws Exception {
    JsonObject noKey = good();
    noKey.remove("key");
    assertTrue(refusal(settings("rediss://10.0.0.5:6380", noKey)).startsWith("redis.tls.key: is missing"));
    Path encrypted = Files.writeString(dir.resolve("encrypted.pem"),
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    for (Path key : List.of(encrypted, pki.ca())) {
      String message = refusal(settings("rediss://10.0.0.5:6380", good().put("key", key.toString())));
      assertTrue(message.startsWith("redis.tls.key: ") && message.contains(key.toString()), message);
    }
  }
}
