package io.multiverse9.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.multiverse9.config.EnvOverrides;
import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsJson;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Untimed;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of deploy/ without a Docker engine or a cluster: the files parse, they hold what they must,
 * and every settings file in them is one the node accepts.
 */
@Untimed
class DeployFilesTest {

  static final Path DEPLOY = Path.of("deploy");
  final List<String> warnings = new ArrayList<>();
  final SettingsParser parser = new SettingsParser(warnings::add);

  static List<JsonNode> yaml(Path file) throws Exception {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
      return mapper.readValues(parser, JsonNode.class).readAll();
    }
  }

  @Test
  void composeDefinesRedisAndThreeNodesWithAcceptedSettings() throws Exception {
    JsonNode compose = yaml(DEPLOY.resolve("compose/compose.yaml")).get(0);
    JsonNode services = compose.get("services");
    for (String service : List.of("redis", "node1", "node2", "node3")) {
      assertTrue(services.has(service), "service " + service);
    }
    for (int i = 1; i <= 3; i++) {
      JsonNode node = services.get("node" + i);
      String mount = node.get("volumes").get(0).asText();
      Path settings = DEPLOY.resolve("compose").resolve(mount.substring(2, mount.indexOf(':')));
      JsonObject json = new JsonObject(Files.readString(settings));
      JsonObject effective = EnvOverrides.apply(json, Map.of("MV9_REDIS_URI",
        node.get("environment").get("MV9_REDIS_URI").asText()));
      assertEquals(2, parser.parse(effective).nodes().size(), settings + " lists the two others");
    }
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void kubernetesManifestsParseAndTheConfigMapHoldsAcceptedSettings() throws Exception {
    List<JsonNode> docs = yaml(DEPLOY.resolve("kubernetes/multiverse9.yaml"));
    List<String> kinds = docs.stream().map(d -> d.get("kind").asText()).toList();
    assertEquals(List.of("ConfigMap", "Service", "StatefulSet"), kinds);
    String settings = docs.get(0).get("data").get("10-node.json").asText();
    assertEquals(3, parser.parse(settings).nodes().size());
    JsonNode container = docs.get(2).at("/spec/template/spec/containers/0");
    assertEquals("/health", container.at("/readinessProbe/httpGet/path").asText());
    assertEquals("/etc/multiverse9", container.at("/volumeMounts/0/mountPath").asText());
    assertTrue(docs.get(2).at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void theImageRunsAsNonRootOnADirectoryOfAcceptedSettings() throws Exception {
    String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
    assertTrue(dockerfile.contains("USER 10001"), "non-root");
    assertTrue(dockerfile.lines().filter(l -> l.startsWith("FROM ")).count() == 2, "multi-stage");
    assertTrue(dockerfile.contains("\"run\", \"-s\", \"/etc/multiverse9\""));
    parser.parse(Files.readString(DEPLOY.resolve("docker/node.json")));
    String unit = Files.readString(DEPLOY.resolve("systemd/multiverse9.service"));
    assertTrue(unit.contains("ExecStart=") && unit.contains("User=multiverse9") && unit.contains("KillSignal=SIGTERM"));
    assertTrue(unit.contains("KillMode=mixed"), "SIGTERM to the node alone, which drains and then stops its Redis");
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void aContainerGivenATokenServesClientsThatSendItAndOnlyPingsOthers(@TempDir Path dir) throws Exception {
    String token = "image-token-" + UUID.randomUUID();
    // what `docker run -e MV9_AUTH_TOKEN=... multiverse9` gives the node, on ports and a directory of the test's
    Map<String, String> env = Map.of("MV9_AUTH_TOKEN", token, "MV9_ADDR", "127.0.0.1:0",
      "MV9_DATA_DIR", dir.resolve("data").toString(), "MV9_METRICS_ADDR", "127.0.0.1:0");
    Path shipped = DEPLOY.resolve("docker/node.json");
    Settings settings = parser.parse(EnvOverrides.apply(SettingsJson.parseObject(Files.readString(shipped),
      shipped.toString()), env));
    assertEquals(token, settings.authToken());
    assertFalse(settings.perms().openInteractions(), "the image stores values only for acknowledged clients");
    assertTrue(settings.perms().openMetadata());
    assertEquals(List.of(), settings.nodes());
    // Through `docker run -p` a client comes from Docker's network, never from the container's loopback, which
    // the shipped file trusts (for `docker exec`). The test's client is on loopback: an override file, merged
    // after node.json as an operator's would be, makes it count as one from outside.
    assertTrue(settings.trustLoopback());
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Files.copy(shipped, etc.resolve("node.json"));
    Files.writeString(etc.resolve("zz-test.json"), "{\"trust_loopback\": false}");
    try (NodeProcess node = NodeProcess.start(dir, etc, env)) {
      String key;
      try (WireClient client = node.connectFrom("127.0.0.1")) {
        assertEquals("{\"status\":\"OK\"}", ask(client, "AUTH " + token));
        String created = ask(client, "CREATE hello");
        key = new JsonObject(created).getString("key");
        assertTrue(key != null && key.length() == 26, created);
        assertEquals("{\"status\":\"OK\",\"entries\":[{\"target\":\"" + key
          + "\",\"status\":\"FOUND\",\"value\":\"hello\"}]}", ask(client, "AGGREGATE " + key));
      }
      try (WireClient stranger = node.connectFrom("127.0.0.1")) {
        assertEquals("{\"status\":\"OK\",\"value\":\"hi\"}", ask(stranger, "PING hi"));
        assertTrue(ask(stranger, "METADATA").startsWith("{\"status\":\"OK\",\"metadata\":"));
        for (String request : List.of("CREATE hello", "AGGREGATE " + key, "REMOVE " + key, "AUTH not-" + token)) {
          String answer = ask(stranger, request);
          assertTrue(answer.startsWith("{\"status\":\"FORBIDDEN\""), request + ": " + answer);
        }
      }
    }
  }

  static String ask(WireClient client, String line) throws java.io.IOException {
    return client.write(line + "\n").readLine();
  }

  // --- SPEC 1.6: out of memory, the process exits at once, wherever the JVM is started ---

  static final String EXIT_ON_OOM = "-XX:+ExitOnOutOfMemoryError";

  @Test
  void theImageAndTheSystemdUnitStartTheJvmWithExitOnOutOfMemory() throws Exception {
    String entrypoint = Files.readString(DEPLOY.resolve("docker/Dockerfile")).lines()
      .filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
    assertTrue(entrypoint.startsWith("ENTRYPOINT [\"java\", \"" + EXIT_ON_OOM + "\""), entrypoint);
    String execStart = Files.readString(DEPLOY.resolve("systemd/multiverse9.service")).lines()
      .filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    // before $JAVA_OPTS, so that an operator's JAVA_OPTS cannot drop it
    assertTrue(execStart.startsWith("ExecStart=/usr/bin/java " + EXIT_ON_OOM + " "), execStart);
  }

  @Test
  void composeAndKubernetesRunTheImageAsItIs() throws Exception {
    // neither overrides the image's entrypoint, so both start the JVM with its flags
    JsonNode services = yaml(DEPLOY.resolve("compose/compose.yaml")).get(0).get("services");
    for (String node : List.of("node1", "node2", "node3")) {
      assertTrue(!services.get(node).has("entrypoint") && !services.get(node).has("command"), node);
    }
    JsonNode container = yaml(DEPLOY.resolve("kubernetes/multiverse9.yaml")).get(2)
      .at("/spec/template/spec/containers/0");
    assertTrue(container.at("/command").isMissingNode() && container.at("/args").isMissingNode(), container.toString());
  }

  @Test
  void theLauncherAlwaysStartsTheJvmWithExitOnOutOfMemory(@org.junit.jupiter.api.io.TempDir Path root)
      throws Exception {
    // launcher.sh in a directory of its own, with a jar newer than the sources so that it builds nothing, and a
    // java on PATH that prints the arguments it is given
    Files.copy(Path.of("launcher.sh"), root.resolve("launcher.sh"));
    Files.createDirectories(root.resolve("src/main"));
    Files.writeString(root.resolve("pom.xml"), "");
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target/multiverse9.jar"), "");
    Files.setLastModifiedTime(root.resolve("pom.xml"), java.nio.file.attribute.FileTime.fromMillis(0));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$@\"\n");
    bin.resolve("java").toFile().setExecutable(true);
    for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("MV9_JVM_DEFAULTS", "-Xmx4g"),
        Map.of("JAVA_OPTS", "-Xmx2g"))) {
      ProcessBuilder launcher = new ProcessBuilder("bash", root.resolve("launcher.sh").toString(), "run")
        .redirectErrorStream(true);
      launcher.environment().putAll(env);
      launcher.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
      Process process = launcher.start();
      String args = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(0, process.waitFor(), args);
      assertTrue(args.startsWith(EXIT_ON_OOM + " "), env + ": " + args);
    }
  }

  @Test
  void testNodesStartLikeDeployedOnes() {
    assertTrue(io.multiverse9.support.NodeProcess.javaCommand("run").contains(EXIT_ON_OOM));
  }
}
