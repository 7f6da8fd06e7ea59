package io.multiverse9.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.multiverse9.config.EnvOverrides;
import io.multiverse9.config.SettingsParser;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of deploy/ without a Docker engine or a cluster: the files parse, they hold what they must,
 * and every settings file in them is one the node accepts.
 */
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
    assertTrue(warnings.isEmpty(), warnings.toString());
  }
}
