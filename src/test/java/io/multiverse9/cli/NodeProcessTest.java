package io.multiverse9.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.config.SettingsParser;
import io.multiverse9.support.Poll;
import io.multiverse9.support.Untimed;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: a real JVM per node, real signals, real exit codes (SPEC 5). */
@Untimed
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

  /**
   * Under the Vert.x launcher as under run: one node whose node verticles are the -instances, the -conf file
   * watched (a change applies live, without "settings_path" in the file), and Vert.x's meters in /metrics.
   */
  @Test
  void theVertxLauncherRunsOneNodeWithInstancesAsNodeVerticles() throws Exception {
    Path settings = dir.resolve("launcher.json");
    int metricsPort = io.multiverse9.support.NodeProcess.freePort("127.0.0.1");
    JsonObject json = new JsonObject()
      .put("name", "multiverse9_launcher_test").put("redis_uri", io.multiverse9.support.TestRedis.get().uri())
      .put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", new io.vertx.core.json.JsonArray()).put("config_scan_ms", 100)
      .put("metrics", new JsonObject().put("addr", "127.0.0.1:" + metricsPort));
    Files.writeString(settings, json.encode());
    Process node = java(dir, "-conf", settings.toString(), "-instances", "3");
    BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    try {
      List<String> seen = new ArrayList<>();
      Matcher start = awaitLine(out, LISTENING, seen);
      assertTrue(seen.get(seen.size() - 1).contains("verticles node=3"),
        "one node whose node verticles are the -instances: " + seen);
      try (WireClient client = new WireClient("127.0.0.1", Integer.parseInt(start.group(1)))) {
        assertEquals(0, client.call(1, "via the Vert.x launcher").status());
        assertTrue(client.call(4, "").text().contains("\"open_interactions\":false"));
        Files.writeString(settings, json.copy().put("perms", new JsonObject().put("open_metadata", true)
          .put("open_interactions", true)).encode());
        Poll.until("the change to the watched -conf file applies", Duration.ofSeconds(10),
          () -> client.call(4, "").text(), metadata -> metadata.contains("\"open_interactions\":true"));
      }
      String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("vertx_"), "Vert.x's own meters are on under the launcher too");
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

  // --- start-up failures: one line naming the problem, no stack trace, no class name, and a non-zero exit ---

  /** What a process that should not start printed, after checking that it ended with {@code exitCode}. */
  static String oneLineFailure(Process process, int exitCode) throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      org.junit.jupiter.api.Assertions.fail("the process did not stop by itself");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(exitCode, process.exitValue(), output);
    assertEquals(1, output.lines().count(), "one line: " + output);
    assertFalse(output.matches("(?s).*(Exception|Error:|\\tat |io\\.vertx|com\\.fasterxml|java\\.).*"),
      "no stack trace, no Java class name: " + output);
    return output;
  }

  static JsonObject settings(Path dir, String addr) {
    return new JsonObject()
      .put("name", "multiverse9_start_test").put("redis_uri", io.multiverse9.support.TestRedis.get().uri())
      .put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false))
      .put("addr", addr).put("nodes", new io.vertx.core.json.JsonArray())
      .put("key_prefix", "start:" + System.nanoTime() + ":");
  }

  @Test
  void tlsFilesThatAreNoPemStopTheStartWithOneLineNamingThem() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
    Path key = Files.writeString(dir.resolve("key.pem"), "not a key");
    Path file = dir.resolve("tls.json");
    Files.writeString(file, settings(dir, "127.0.0.1:0")
      .put("tls", new JsonObject().put("cert", cert.toString()).put("key", key.toString())).encode());
    String output = oneLineFailure(java(dir, "run", "-s", file.toString()), 1);
    assertTrue(output.contains("tls.cert " + cert) && output.contains("tls.key " + key)
      && output.contains("cannot be used"), output);
  }

  @Test
  void aFifoIsRefusedInsteadOfWaitedOn() throws Exception {
    Path fifo = dir.resolve("settings.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    String output = oneLineFailure(java(dir, "run", "-s", fifo.toString()), 2);
    assertEquals("multiverse9: settings file " + fifo + " is not a regular file (a pipe, device or socket?); "
      + "give a JSON file or a directory of them", output);
  }

  @Test
  void devZeroIsRefusedInsteadOfFillingTheHeap() throws Exception {
    String output = oneLineFailure(java(dir, "run", "-s", "/dev/zero"), 2);
    assertTrue(output.contains("settings file /dev/zero is not a regular file"), output);
  }

  @Test
  void aSettingsFileOverOneMebibyteIsRefused() throws Exception {
    Path huge = dir.resolve("huge.json");
    Files.writeString(huge, "{\"pad\": \"" + "x".repeat(1024 * 1024) + "\"}");
    String output = oneLineFailure(java(dir, "run", "-s", huge.toString()), 2);
    assertTrue(output.contains("settings file " + huge + " is larger than 1 MiB"), output);
  }

  @Test
  void aByteOrderMarkAtTheStartOfTheFileIsAccepted() throws Exception {
    Path file = dir.resolve("bom.json");
    byte[] json = settings(dir, "127.0.0.1:0").encodePrettily().getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[json.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(json, 0, withBom, 3, json.length);
    Files.write(file, withBom);
    Process node = java(dir, "run", "-s", file.toString());
    try {
      Matcher start = awaitLine(node, LISTENING, new ArrayList<>());
      try (WireClient client = new WireClient("127.0.0.1", Integer.parseInt(start.group(1)))) {
        assertEquals(0, client.call(5, "up").status());
      }
    } finally {
      node.destroyForcibly();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnquotedTokenIsNamedByLineAndColumnNeverShown() throws Exception {
    Path file = dir.resolve("token.json");
    String text = settings(dir, "127.0.0.1:0").encodePrettily();
    Files.writeString(file, text.substring(0, text.lastIndexOf('}')) + ",\n  \"auth\": {\"token\": s3cr3t}\n}");
    long line = text.lines().count() + 1;
    String output = oneLineFailure(java(dir, "run", "-s", file.toString()), 2);
    assertFalse(output.contains("s3cr3t"), output);
    assertEquals("multiverse9: " + file + " line " + line + " column 21: unexpected character; expected a JSON value "
      + "(a quoted string, number, true, false, null, object or array)", output);

    Files.writeString(file, text.replace("\"nodes\" : [ ]", "\"nodes\" : [ {\"addr\": \"10.0.0.2:7001\", \"token\": s3cr3t} ]"));
    output = oneLineFailure(java(dir, "run", "-s", file.toString()), 2);
    assertFalse(output.contains("s3cr3t"), output);
    assertTrue(output.matches("multiverse9: " + Pattern.quote(file.toString()) + " line \\d+ column \\d+: .*"), output);
  }

  @Test
  void aTypoOfASecurityFieldStopsTheStartNamingTheFieldItResembles() throws Exception {
    Path file = dir.resolve("typo.json");
    Files.writeString(file, settings(dir, "127.0.0.1:0").put("trust_lopback", false).encode());
    assertEquals("multiverse9: trust_lopback: unknown setting; did you mean trust_loopback?",
      oneLineFailure(java(dir, "run", "-s", file.toString()), 2));
  }

  @Test
  void tooManyVerticlesStopTheStartNamingTheField() throws Exception {
    Path file = dir.resolve("verticles.json");
    Files.writeString(file, settings(dir, "127.0.0.1:0")
      .put("verticles", new JsonObject().put("node", 100_000)).encode());
    assertEquals("multiverse9: verticles.node: must be between 1 and 256, got 100000",
      oneLineFailure(java(dir, "run", "-s", file.toString()), 2));
  }

  @Test
  void anAddrHeldByAnotherProcessIsNamedWithWhatToDo() throws Exception {
    try (java.net.ServerSocket holder = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      Path file = dir.resolve("busy.json");
      String addr = "127.0.0.1:" + holder.getLocalPort();
      Files.writeString(file, settings(dir, addr).encode());
      Process node = java(dir, "run", "-s", file.toString());
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the node did not stop by itself");
      String all = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(1, node.exitValue(), all);
      // a storage PING still in flight when the failed start closes Vert.x may add a WARNING line before it
      List<String> lines = all.lines().filter(l -> !l.contains(" WARNING ")).toList();
      assertEquals(1, lines.size(), "one line: " + all);
      String output = lines.get(0);
      assertFalse(all.matches("(?s).*(Exception|\\tat |io\\.netty|java\\.net).*"), all);
      assertTrue(output.endsWith("cannot listen on addr " + addr + ": address already in use; another process "
        + "holds it — stop it or change addr"), output);
    }
  }
}
