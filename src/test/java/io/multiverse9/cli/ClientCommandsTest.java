package io.multiverse9.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.storage.RedisServerProcess;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands and bench: their output and exit codes (SPEC 5 and 6). They run in the test's JVM
 * ({@link CommandRun#inThisJvm}); the launcher's path, a JVM of its own, is taken by
 * {@link #createFromStdinAndFromAFileIsByteExact} and {@link #errorsExitNonZeroWithAMessage}.
 */
@ExtendWith(VertxExtension.class)
class ClientCommandsTest {

  /** The class's Vert.x, for the Redis clients of the static helpers. */
  static Vertx vertx;
  static TestNode node;

  @TempDir
  Path dir;

  @BeforeAll
  static void startNode(Vertx injected) {
    vertx = injected;
    node = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri()));
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  CommandRun run(byte[] stdin, String... args) {
    return runOn(node.port(), stdin, args);
  }

  /** Runs a command against the server at {@code port} of this host, in this JVM. */
  CommandRun runOn(int port, byte[] stdin, String... args) {
    return CommandRun.inThisJvm(stdin, withPort(port, args), StandardCharsets.ISO_8859_1);
  }

  /** Runs a command as the launcher does, in a JVM of its own, against the test node. */
  CommandRun runProcess(byte[] stdin, String... args) throws Exception {
    return CommandRun.inItsOwnJvm(dir, stdin, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
      withPort(node.port(), args), StandardCharsets.ISO_8859_1);
  }

  private static List<String> withPort(int port, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-p", Integer.toString(port)));
    return all;
  }

  CommandRun run(String... args) {
    return run(new byte[0], args);
  }

  @Test
  void createThenAggregateThenRemove() throws Exception {
    CommandRun created = run("create", "hello from the command line");
    assertEquals(0, created.exit(), created.err());
    String key = created.out().trim();
    assertTrue(key.matches("[0-7][0-9A-HJKMNP-TV-Z]{25}"), key);

    CommandRun raw = run("aggregate", key);
    assertEquals(0, raw.exit());
    assertEquals("hello from the command line", raw.out(), "one target prints the value raw");

    CommandRun lines = run("aggregate", key, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
    assertEquals(1, lines.exit(), "not every target was found");
    List<String> json = lines.out().lines().toList();
    assertEquals("FOUND", new JsonObject(json.get(0)).getString("status"));
    assertEquals("NOT_FOUND", new JsonObject(json.get(1)).getString("status"));

    CommandRun removed = run("remove", key);
    assertEquals(0, removed.exit());
    assertEquals("1", removed.out().trim());
    CommandRun gone = run("aggregate", key);
    assertEquals(1, gone.exit());
    assertTrue(gone.err().contains("NOT_FOUND"), gone.err());
  }

  @Test
  void createFromStdinAndFromAFileIsByteExact() throws Exception {
    byte[] value = {0, (byte) 0xFF, 10, 13, 0, 'z'};
    // through the launcher's path: a pipe in, the value's bytes raw on the JVM's own standard output
    String fromStdin = runProcess(value, "create").out().trim();
    assertEquals(new String(value, StandardCharsets.ISO_8859_1),
      runProcess(new byte[0], "aggregate", fromStdin).out());
    Path file = dir.resolve("value.bin");
    Files.write(file, value);
    String fromFile = run("create", "-f", file.toString()).out().trim();
    assertEquals(new String(value, StandardCharsets.ISO_8859_1), run("aggregate", fromFile).out());
  }

  @Test
  void errorsExitNonZeroWithAMessage() throws Exception {
    CommandRun bad = run("remove", "NOTAKEY");
    assertEquals(1, bad.exit());
    assertTrue(bad.err().contains("BAD_REQUEST") && bad.err().contains("NOTAKEY"), bad.err());
    // the exit code from System.exit, through the launcher's path
    CommandRun empty = runProcess(new byte[0], "create");
    assertEquals(2, empty.exit());
    assertTrue(empty.err().contains("empty"), empty.err());
    CommandRun wrongToken = run("ping", "--token", "nope");
    assertEquals(1, wrongToken.exit());
    assertTrue(wrongToken.err().contains("FORBIDDEN"), wrongToken.err());
  }

  @Test
  void metadataAndPing() throws Exception {
    CommandRun metadata = run("metadata");
    assertEquals(0, metadata.exit());
    assertEquals(node.settings().name(), new JsonObject(metadata.out()).getString("name"));
    CommandRun ping = run("ping", "hi");
    assertEquals(0, ping.exit());
    assertTrue(ping.out().startsWith("hi: 4 round trips on one connection, min "), ping.out());
  }

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String command : List.of("create", "remove", "aggregate", "metadata", "ping", "bench", "run", "setup")) {
      CommandRun help = run(command, "--help");
      assertEquals(0, help.exit(), command);
      assertTrue(help.out().startsWith("Usage: multiverse9 " + command), help.out());
      assertTrue(help.out().lines().count() > 3, "a description and the options: " + help.out());
    }
  }

  @Test
  void benchRunsAShortLoadAndReportsSaneJson() throws Exception {
    CommandRun bench = run("bench", "-c", "4", "-n", "2000", "-P", "4", "-d", "32", "-t",
      "ping,create,aggregate,remove", "--keys", "5", "--json");
    assertEquals(0, bench.exit(), bench.err());
    List<JsonObject> results = bench.out().lines().map(JsonObject::new).toList();
    assertEquals(List.of("ping", "create", "aggregate", "remove"), results.stream().map(r -> r.getString("op")).toList());
    for (JsonObject r : results) {
      assertEquals(2000L, r.getLong("requests"), r.encode());
      assertEquals(0L, r.getLong("errors"), r.encode());
      assertTrue(r.getDouble("rps") > 0, r.encode());
      double p50 = r.getDouble("p50_ms"), p99 = r.getDouble("p99_ms"), p999 = r.getDouble("p999_ms"),
        max = r.getDouble("max_ms");
      assertTrue(0 < p50 && p50 <= p99 && p99 <= p999 && p999 <= max, "ordered percentiles: " + r.encode());
    }
    assertEquals(5, results.get(2).getInteger("keys"));
  }

  @Test
  void benchSoakReportsEachIntervalAndTheNodeMemoryAtTheEnd() throws Exception {
    CommandRun bench = run("bench", "-c", "2", "-P", "2", "-t", "create", "--duration", "3s", "--report-every", "1s",
      "--json");
    assertEquals(0, bench.exit(), bench.err());
    List<JsonObject> lines = bench.out().lines().map(JsonObject::new).toList();
    List<JsonObject> intervals = lines.stream().filter(l -> l.containsKey("interval_end_s")).toList();
    assertTrue(intervals.size() >= 2, "a line per second of a 3 s run: " + bench.out());
    for (JsonObject interval : intervals) {
      assertTrue(interval.getDouble("rps") > 0, interval.encode());
      assertEquals(0L, interval.getLong("errors"), interval.encode());
    }
    JsonObject result = lines.get(lines.size() - 1);
    assertEquals("create", result.getString("op"));
    assertTrue(result.getDouble("seconds") >= 2.9 && result.getDouble("seconds") < 10, result.encode());
    assertEquals(0L, result.getLong("errors"), result.encode());
    assertTrue(result.getJsonObject("node_memory").getLong("rss_bytes") > 0, "memory at the end: " + result.encode());
  }

  @Test
  void benchWarmsUpBeforeMeasuringAndReportsOnlyTheMeasuredRequests() throws Exception {
    long before = storedKeys();
    CommandRun bench = run("bench", "-c", "2", "-P", "2", "-t", "create", "-n", "300", "--warmup", "1s", "--json");
    assertEquals(0, bench.exit(), bench.err());
    JsonObject result = new JsonObject(bench.out().strip());
    assertEquals(300L, result.getLong("requests"), result.encode());
    assertEquals(1.0, result.getDouble("warmup_s"), result.encode());
    long created = storedKeys() - before;
    assertTrue(created > 300, "the warm-up's creates went to the node too, a second of them: " + created);
    assertEquals(created - 300, result.getLong("warmup_requests"), "the warm-up's requests are counted: " + result);
  }

  @Test
  void benchReportsTheCpuEachNamedProcessSpentPerMeasuredRequest() throws Exception {
    long nodeJvm = ProcessHandle.current().pid(); // the node of these tests runs in the test's JVM
    CommandRun bench = run("bench", "-c", "2", "-t", "aggregate", "--keys", "50", "-n", "3000", "--cpu",
      "node=" + nodeJvm, "--json");
    assertEquals(0, bench.exit(), bench.err());
    JsonObject cpu = new JsonObject(bench.out().strip()).getJsonObject("cpu_us_per_request");
    assertEquals(List.of("node", "bench"), List.copyOf(cpu.fieldNames()), cpu.encode());
    assertTrue(cpu.getDouble("node") > 0 && cpu.getDouble("bench") > 0, "both spent CPU: " + cpu.encode());

    CommandRun text = run("bench", "-c", "1", "-t", "ping", "-n", "100", "--cpu", "node=" + nodeJvm);
    assertTrue(text.out().contains("CPU per request: node "), text.out());
  }

  @Test
  void benchRefusesACpuOptionItCannotRead() throws Exception {
    CommandRun noSuchProcess = run("bench", "-t", "ping", "--cpu", "node=2147483647");
    assertEquals(2, noSuchProcess.exit());
    assertTrue(noSuchProcess.err().contains("--cpu: there is no process 2147483647"), noSuchProcess.err());
    CommandRun malformed = run("bench", "-t", "ping", "--cpu", "node");
    assertEquals(2, malformed.exit());
    assertTrue(malformed.err().contains("--cpu takes NAME=PID[,PID...]"), malformed.err());
  }

  @Test
  void benchRefusesAWarmupOfNothing() throws Exception {
    CommandRun bench = run("bench", "-t", "ping", "--warmup", "0s");
    assertEquals(2, bench.exit());
    assertTrue(bench.err().contains("--warmup must be longer than 0"), bench.err());
  }

  @Test
  void benchPacedSendsAtTheRateAndTimesEachRequestFromWhenItWasDue() throws Exception {
    // 1000 requests at 1000 per second take a second; unpaced, 4 connections finish them in a few milliseconds
    CommandRun paced = run("bench", "-c", "4", "-t", "ping", "-n", "1000", "--rate", "1000", "--json");
    assertEquals(0, paced.exit(), paced.err());
    JsonObject result = new JsonObject(paced.out().strip());
    assertEquals(1000L, result.getLong("requests"), result.encode());
    assertEquals(1000L, result.getLong("rate"), result.encode());
    assertTrue(result.getDouble("seconds") >= 0.95, "paced over a second: " + result.encode());

    // Below one request per connection: 10 requests at 5 per second over 50 connections end after 2 s, not
    // when the last connection's first request would fall due (9.8 s)
    CommandRun slow = run("bench", "-c", "50", "-t", "ping", "-n", "10", "--rate", "5", "--json");
    assertEquals(0, slow.exit(), slow.err());
    JsonObject sparse = new JsonObject(slow.out().strip());
    assertEquals(10L, sparse.getLong("requests"), sparse.encode());
    assertTrue(sparse.getDouble("seconds") >= 1.75 && sparse.getDouble("seconds") < 5, sparse.encode());

    // A server that stalls is charged for every request that fell due during the stall, not only for the few
    // in flight when it began: here Redis pauses for 3 s (the bench starts in this JVM at once) while requests
    // fall due at 1000 per second for 2 s.
    try (RedisServerProcess redis = RedisServerProcess.start(dir, false)) {
      Redis client = Redis.createClient(vertx, redis.uri());
      try {
        // WRITE: bench's AUTH goes through, its SETs wait (Redis 6.2 and later)
        client.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(3000).arg("WRITE")).await();
        CommandRun stalled = runOn(redis.port(), new byte[0], "bench", "--redis", "--token", redis.password(),
          "-c", "4", "-t", "create", "-n", "2000", "--rate", "1000", "--json");
        assertEquals(0, stalled.exit(), stalled.err());
        JsonObject measured = new JsonObject(stalled.out().strip());
        assertEquals(0L, measured.getLong("errors"), measured.encode());
        // timed from when each was sent, the 1996 requests sent after the stall would take well under 250 ms
        assertTrue(measured.getDouble("p99_ms") >= 250, "the stall counts: " + measured.encode());
      } finally {
        client.close();
      }
    }
  }

  @Test
  void benchMeasuresRedisItselfWithTheSameLoadGenerator() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(dir, false)) {
      CommandRun bench = runOn(redis.port(), new byte[0], "bench", "--redis", "--token", redis.password(), "-c", "4",
        "-P", "4", "-n", "500",
        "-t", "ping,create,aggregate", "--keys", "10", "--json");
      assertEquals(0, bench.exit(), bench.err());
      List<JsonObject> results = bench.out().lines().map(JsonObject::new).toList();
      assertEquals(List.of("ping", "create", "aggregate"), results.stream().map(r -> r.getString("op")).toList());
      for (JsonObject r : results) {
        assertEquals(500L, r.getLong("requests"), r.encode());
        assertEquals(0L, r.getLong("errors"), r.encode());
        assertEquals("redis", r.getString("server"), r.encode());
      }
      // each create is a SET of a new key: 500 keys, and 100 more that aggregate's MGETs read
      assertEquals(600L, keysIn(redis.uri(), "mv9bench:*"));
    }
  }

  @Test
  void benchToldTheWrongKindOfServerSaysSoBeforeItRuns() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(dir, false)) {
      // Redis waits for the end of a line that a node's frames never send: no answer, not a 30 s stalled run
      CommandRun nodeExpected = runOn(redis.port(), new byte[0], "bench", "-c", "2", "-t", "ping", "-n", "10");
      assertEquals(1, nodeExpected.exit(), nodeExpected.err());
      assertTrue(nodeExpected.err().contains("no answer to PING in 5 s; is it a multiverse9 node? (bench --redis"),
        nodeExpected.err());
    }
    // a node speaks RESP and answers PING, but not ECHO: bench --redis asks ECHO and is told "unknown command"
    CommandRun redisExpected = run("bench", "--redis", "-c", "2", "-t", "ping", "-n", "10");
    assertEquals(1, redisExpected.exit(), redisExpected.err());
    assertTrue(redisExpected.err().contains("is it a Redis server?"), redisExpected.err());
  }

  @Test
  void benchRefusesWhatRedisCannotBeAskedAndARateOfNothing() throws Exception {
    CommandRun remove = run("bench", "--redis", "-t", "remove");
    assertEquals(2, remove.exit());
    assertTrue(remove.err().contains("--redis measures ping, create and aggregate"), remove.err());
    CommandRun zero = run("bench", "-t", "ping", "--rate", "0");
    assertEquals(2, zero.exit());
    assertTrue(zero.err().contains("--rate must be 1 or more"), zero.err());
  }

  /** Keys under the test node's prefix, counted in Redis itself. */
  private static long storedKeys() {
    return keysIn(TestRedis.get().uri(), node.settings().keyPrefix() + "*");
  }

  private static long keysIn(String uri, String pattern) {
    Redis redis = Redis.createClient(vertx, uri);
    try {
      long count = 0;
      String cursor = "0";
      do {
        Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor)
          .arg("MATCH").arg(pattern).arg("COUNT").arg(1000)).await();
        cursor = page.get(0).toString();
        count += page.get(1).size();
      } while (!cursor.equals("0"));
      return count;
    } finally {
      redis.close();
    }
  }
}
