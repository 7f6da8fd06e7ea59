package io.multiverse9.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/PROTOCOL.md's RESP example is what a node says: its {@code resp} block is replayed byte for byte on one
 * connection to a node on the settings of the page's examples, and its {@code redis-cli} line is run where
 * redis-cli is installed. Keys are the node's own: a key in an answer stands for the page's key in what follows.
 */
@ExtendWith(VertxExtension.class)
class ProtocolRespExampleTest {

  static final Path PROTOCOL = Path.of("docs/PROTOCOL.md");
  static final Pattern ULID = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}");

  record Exchange(String request, String answer) {
  }

  static String section() throws Exception {
    String page = Files.readString(PROTOCOL);
    int start = page.indexOf("## RESP (for Redis clients)");
    assertTrue(start >= 0, "PROTOCOL.md has its RESP section");
    return page.substring(start, page.indexOf("\n## ", start + 3));
  }

  static List<Exchange> exchanges(String section) {
    Matcher block = Pattern.compile("(?ms)^```resp\\n(.*?)^```").matcher(section);
    assertTrue(block.find(), "the RESP section has a resp block");
    List<Exchange> exchanges = new ArrayList<>();
    String request = null;
    for (String line : block.group(1).split("\n")) {
      if (line.startsWith("request  ")) {
        request = unescape(line.substring(9));
      } else if (line.startsWith("answer   ")) {
        exchanges.add(new Exchange(request, unescape(line.substring(9))));
      }
    }
    return exchanges;
  }

  static String unescape(String shown) {
    return shown.replace("\\r", "\r").replace("\\n", "\n");
  }

  static JsonObject settings(Path dir) {
    // the settings the page's examples give, on the test's Redis and a free port
    return new JsonObject().put("name", "multiverse9_protodoc").put("version", "0.1.0")
      .put("redis_uri", TestRedis.get().uri()).put("key_prefix", "protodoc:" + UUID.randomUUID() + ":")
      .put("data_dir", dir.resolve("data").toString()).put("addr", "127.0.0.1:0")
      .put("nodes", new JsonArray().add("127.0.0.2:7302")).put("auth", new JsonObject().put("token", "s3cret"))
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false));
  }

  @Test
  void theRespExampleIsWhatTheNodeSaysByteForByte(@TempDir Path dir, Vertx vertx) throws Exception {
    String section = section();
    List<Exchange> exchanges = exchanges(section);
    assertTrue(exchanges.size() >= 8, "the example has " + exchanges.size() + " exchanges");
    Map<String, String> keys = new HashMap<>();
    try (TestNode node = TestNode.start(vertx, settings(dir));
         Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      for (Exchange exchange : exchanges) {
        String request = exchange.request();
        for (Map.Entry<String, String> key : keys.entrySet()) {
          request = request.replace(key.getKey(), key.getValue());
        }
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        String answer = read(in, exchange.answer().length());
        Matcher shown = ULID.matcher(exchange.answer());
        Matcher given = ULID.matcher(answer);
        while (shown.find() && given.find()) {
          keys.putIfAbsent(shown.group(), given.group());
        }
        assertEquals(ULID.matcher(exchange.answer()).replaceAll("<KEY>"), ULID.matcher(answer).replaceAll("<KEY>"),
          "PROTOCOL.md shows another answer to " + exchange.request());
      }
      assertEquals(-1, in.read(), "the connection is closed after QUIT");
      if (!redisCliInstalled()) {
        System.out.println("PROTOCOL.md's redis-cli line not run: redis-cli is not installed (Debian: redis-tools)");
        return;
      }
      runRedisCliLine(section, node.port(), keys);
    }
  }

  /** Reads exactly as many bytes as the page shows: a longer answer fails on the next exchange, a shorter one here. */
  static String read(InputStream in, int length) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[length];
    while (out.size() < length) {
      int n = in.read(buffer, 0, length - out.size());
      assertTrue(n > 0, "the answer ended after " + out.size() + " bytes: " + out);
      out.write(buffer, 0, n);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  static void runRedisCliLine(String section, int port, Map<String, String> keys) throws Exception {
    Matcher console = Pattern.compile("(?ms)^```console\\n\\$ (redis-cli [^\\n]*)\\n(.*?)^```").matcher(section);
    assertTrue(console.find(), "the RESP section shows a redis-cli line");
    // the key it names was removed by the replay: make it again under the page's name
    String command = console.group(1).replace("-p 7301", "-p " + port);
    String value = createdValue(port);
    for (Map.Entry<String, String> key : keys.entrySet()) {
      command = command.replace(key.getKey(), value);
    }
    Process cli = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(cli.waitFor(30, TimeUnit.SECONDS));
    // redis-cli ends an error element with a blank line of its own, which a page would not show
    assertEquals(console.group(2).stripTrailing(), output.stripTrailing(),
      "PROTOCOL.md shows another redis-cli output for " + command);
  }

  static String createdValue(int port) throws Exception {
    Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "CREATE", "hello").start();
    String key = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(cli.waitFor(30, TimeUnit.SECONDS));
    assertTrue(ULID.matcher(key).matches(), "redis-cli CREATE answered " + key);
    return key;
  }

  static boolean redisCliInstalled() throws InterruptedException {
    try {
      return new ProcessBuilder("redis-cli", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
