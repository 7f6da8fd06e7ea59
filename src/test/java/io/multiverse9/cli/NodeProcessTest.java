package io.multiverse9.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.config.SettingsParser;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: a real JVM per node, real signals, real exit codes (SPEC 5). */
class NodeProcessTest {

  static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  Path dir;

  static Process java(Path workDir, String... args) throws Exception {
    return io.multiverse9.support.NodeProcess.java(workDir, args);
  }

  /** Reads the process's output until a line matches; fails with what it printed if it never does. */
  static Matcher awaitLine(Process process, Pattern pattern, List<String> seen) throws Exception {
    return awaitLine(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
      pattern, seen);
  }

  static Matcher awaitLine(BufferedReader out, Pattern pattern, List<String> seen) throws Exception {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      seen.add(line);
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("the process ended without printing " + pattern + ": " + seen);
  }

  @Test
  void runServesThenDrainsAndExitsZeroOnSigterm() throws Exception {
    Path settings = dir.resolve("node.json");
    Files.writeString(settings, new JsonObject()
      .put("name", "multiverse9_process_test").put("redis_uri", "embedded").put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", new io.vertx.core.json.JsonArray())
      .put("data_dir", dir.resolve("data").toString()).encode());
    Process node = java(dir, "run", "-s", settings.toString(), "--threads", "2");
    try {
      List<String> seen = new ArrayList<>();
      Matcher start = awaitLine(node, LISTENING, seen);
      String startLine = seen.get(seen.size() - 1);
      assertTrue(startLine.contains("multiverse9_process_test") && startLine.contains("verticles node=2"),
        "the start line names the node, its storage and its verticle counts: " + startLine);
      assertFalse(startLine.contains("requirepass") || startLine.matches(".*redis://:[0-9a-f]{8,}.*"),
        "no secret in the start line");
      int port = Integer.parseInt(start.group(1));
      try (WireClient client = new WireClient("127.0.0.1", port)) {
        assertEquals(0, client.call(1, "from a real process").status());
      }
      long redisPid = Long.parseLong(Files.readString(dir.resolve("data/redis.pid")).trim());

      node.destroy(); // SIGTERM
      assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the node did not stop on SIGTERM");
      assertEquals(0, node.exitValue(), "SIGTERM drains and exits 0: " + seen);
      ProcessHandle.of(redisPid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
      assertFalse(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false),
        "the embedded redis-server stops with its node");
    } finally {
      node.destroyForcibly();
    }
  }

  @Test
  void theVertxLauncherRunsOneNodeWithInstancesAsNodeVerticles() throws Exception {
    Path settings = dir.resolve("launcher.json");
    Files.writeString(settings, new JsonObject()
      .put("name", "multiverse9_launcher_test").put("redis_uri", io.multiverse9.support.TestRedis.get().uri())
      .put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", new io.vertx.core.json.JsonArray()).encode());
    Process node = java(dir, "-conf", settings.toString(), "-instances", "3");
    BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    try {
      List<String> seen = new ArrayList<>();
      Matcher start = awaitLine(out, LISTENING, seen);
      assertTrue(seen.get(seen.size() - 1).contains("verticles node=3"),
        "one node whose node verticles are the -instances: " + seen);
      try (WireClient client = new WireClient("127.0.0.1", Integer.parseInt(start.group(1)))) {
        assertEquals(0, client.call(1, "via the Vert.x launcher").status());
      }
    } finally {
      node.destroy();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMissingFieldStopsTheStartWithOneLineNamingIt() throws Exception {
    Path settings = dir.resolve("bad.json");
    Files.writeString(settings, "{\"name\":\"n\",\"redis_uri\":\"embedded\",\"version\":\"0.1.0\","
      + "\"perms\":{\"open_metadata\":false,\"open_interactions\":false},\"nodes\":[]}");
    Process node = java(dir, "run", "-s", settings.toString());
    assertTrue(node.waitFor(60, TimeUnit.SECONDS));
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertNotEquals(0, node.exitValue());
    assertEquals(1, output.lines().count(), "one line: " + output);
    assertTrue(output.contains("addr: is missing"), output);
  }

  @Test
  void aMissingSettingsFileSaysHowToMakeOne() throws Exception {
    Process node = java(dir, "run", "-s", "nowhere.json");
    assertTrue(node.waitFor(60, TimeUnit.SECONDS));
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertNotEquals(0, node.exitValue());
    assertTrue(output.contains("does not exist") && output.contains("setup"), output);
  }

  @Test
  void setupPrintsAFreshSettingsFileTheNodeAccepts() throws Exception {
    Process setup = java(dir, "setup", "--redis-uri=redis://127.0.0.1:6379", "--addr", "127.0.0.1:7005");
    assertTrue(setup.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, setup.exitValue());
    JsonObject printed = new JsonObject(new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(printed.getString("name").matches("multiverse9_[0-7][0-9A-HJKMNP-TV-Z]{25}"), printed.encode());
    assertEquals("redis://127.0.0.1:6379", printed.getString("redis_uri"));
    assertEquals("127.0.0.1:7005", printed.getString("addr"));
    assertEquals(7005, new SettingsParser(w -> { throw new AssertionError(w); }).parse(printed).addr().port());

    Process second = java(dir, "setup", "--redis-uri=embedded");
    assertTrue(second.waitFor(60, TimeUnit.SECONDS));
    JsonObject other = new JsonObject(new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertNotEquals(printed.getString("name"), other.getString("name"), "every setup names a new node");
  }

  @Test
  void setupWithoutRedisUriExplainsItself() throws Exception {
    Process setup = java(dir, "setup");
    assertTrue(setup.waitFor(60, TimeUnit.SECONDS));
    String output = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertNotEquals(0, setup.exitValue());
    assertTrue(output.contains("--redis-uri"), output);
  }
}
