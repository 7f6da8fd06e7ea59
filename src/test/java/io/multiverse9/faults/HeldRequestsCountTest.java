package io.multiverse9.faults;

import static io.multiverse9.faults.MemoryBoundsTest.assertNoOutOfMemory;
import static io.multiverse9.faults.MemoryBoundsTest.assertServes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.service.Allowance;
import io.multiverse9.storage.RedisServerProcess;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 1.6: a request held is counted as what it makes the node hold, not only its payload. With Redis stopped
 * (SIGSTOP), a client pipelines AGGREGATEs of 4,096 distinct keys: each key stays in the payload's copy, but gets
 * a Redis argument ({@code key_prefix} + key) and its encoding, several times its payload in all. Counted so
 * ({@link Allowance#perTarget} a target beside the payload), the node stops reading at max_buffered_bytes (80 MiB,
 * a third of its 256 MiB heap) and keeps serving; counted by payload alone, it read about 700 such requests into
 * 80 MiB of count and ran out of memory. And what they hold, in a heap histogram of the node, is no more than that.
 */
class HeldRequestsCountTest {

  private static final int KEYS = 4096;
  private static final int REQUESTS = 2000;
  /** Held before the heap is measured, and held when it is again: fewer than a 256 MiB heap takes. */
  private static final int FIRST = 20;
  private static final int MEASURED = 60;
  /** One per AGGREGATE running. */
  private static final String AGGREGATION = "io.multiverse9.service.Aggregation";
  /** A command of the Redis client, made when storage takes a request. */
  private static final String REDIS_COMMAND = "io.vertx.redis.client.impl.RequestImpl";

  @TempDir
  Path dir;

  @Test
  void aggregatesHeldWhileRedisIsStoppedAreCountedAsWhatTheyHold() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(dir.resolve("redis"), false)) {
      JsonObject settings = MemoryBoundsTest.settings().put("redis_uri", redis.uri())
        .put("limits", new JsonObject().put("max_buffered_bytes", 80 << 20).put("storage_timeout_ms", 60_000));
      try (NodeProcess node = NodeProcess.start(dir.resolve("node"), settings);
           WireClient client = new WireClient(node.host(), node.port())) {
        assertServes(node, "before Redis stops");
        signal("-STOP", redis.pid());
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
          byte[] frame = aggregate();
          try {
            OutputStream out = client.socket().getOutputStream();
            for (int i = 0; i < REQUESTS; i++) {
              out.write(frame);
              written.incrementAndGet();
            }
          } catch (IOException stoppedReading) {
            // the test closes the connection while the node does not read it
          }
        }, "pipelining-aggregates");
        writer.setDaemon(true);
        try {
          writer.start();
          long end = System.currentTimeMillis() + 8_000;
          while (System.currentTimeMillis() < end) {
            assertTrue(node.process().isAlive(), "the node died: " + node.output());
            assertServes(node, "while Redis is stopped and AGGREGATEs are held");
            Thread.sleep(500); // one PING every half second, bounded by the deadline
          }
          System.out.printf("Redis stopped: %d AGGREGATEs of %d keys written before the node stopped reading%n",
            written.get(), KEYS);
          assertTrue(written.get() < REQUESTS, "the node read all " + REQUESTS + " requests while Redis was stopped");
        } finally {
          signal("-CONT", redis.pid());
        }
        assertNoOutOfMemory(node);
      }
    }
  }

  /**
   * The node's heap is read with {@code jcmd PID GC.class_histogram} (which collects first) with Redis stopped,
   * while it holds 20 AGGREGATEs of 4,096 keys pipelined by a client, then 60, each once it has its MGET: what a
   * target adds beyond its payload's bytes is what it is counted as, or less. With each key made into a string, a
   * slice of the payload and a Redis argument, a target held 378 bytes with this test's 41-byte key prefix, and was
   * counted 256; its key kept as bytes in the payload's copy, it holds 277, and is counted 323.
   */
  @Test
  void whatAHeldTargetHoldsIsNoMoreThanItIsCounted() throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    assertTrue(Files.isExecutable(jcmd), "the test reads the node's heap with " + jcmd + ", a part of the JDK");
    try (RedisServerProcess redis = RedisServerProcess.start(dir.resolve("redis"), false)) {
      JsonObject settings = MemoryBoundsTest.settings().put("redis_uri", redis.uri())
        .put("limits", new JsonObject().put("storage_timeout_ms", 60_000));
      try (NodeProcess node = NodeProcess.start(dir.resolve("node"), settings);
           WireClient client = new WireClient(node.host(), node.port())) {
        assertServes(node, "before Redis stops");
        long pid = node.process().pid();
        signal("-STOP", redis.pid());
        try {
          Map<String, long[]> stopped = histogram(jcmd, pid);
          byte[] frame = aggregate();
          // what the first AGGREGATEs held make the node set up once (buffers, pools) is not what a target holds
          Map<String, long[]> before = holding(client, frame, FIRST, FIRST, stopped, jcmd, pid);
          Map<String, long[]> held = holding(client, frame, MEASURED - FIRST, MEASURED, stopped, jcmd, pid);
          double targets = (double) (MEASURED - FIRST) * KEYS;
          double perTarget = (bytes(held) - bytes(before)) / targets - (frame.length - 5) / (double) KEYS;
          long counted = Allowance.perTarget(settings.getString("key_prefix"));
          System.out.printf("%d AGGREGATEs of %d keys held with Redis stopped: %.1f bytes a target beside the "
            + "payload, counted %d (key_prefix of %d bytes); by class: %s%n", MEASURED - FIRST, KEYS, perTarget,
            counted, settings.getString("key_prefix").length(), largest(before, held, targets));
          assertTrue(perTarget <= counted, "a held target holds " + perTarget + " bytes, counted " + counted
            + "; per target, by class: " + largest(before, held, targets));
        } finally {
          signal("-CONT", redis.pid());
        }
        assertNoOutOfMemory(node);
      }
    }
  }

  /**
   * Sends {@code more} AGGREGATEs and returns the node's heap once it holds {@code total}, each parsed and with its
   * MGET (Redis commands that wait unanswered beside them are counted in {@code stopped}).
   */
  private static Map<String, long[]> holding(WireClient client, byte[] frame, int more, int total,
      Map<String, long[]> stopped, Path jcmd, long pid) throws Exception {
    for (int i = 0; i < more; i++) {
      client.write(frame);
    }
    return Poll.until("the node holds " + total + " AGGREGATEs, each with its MGET", Duration.ofSeconds(60),
      () -> histogram(jcmd, pid), classes -> instances(classes, AGGREGATION) >= total
        && instances(classes, REDIS_COMMAND) - instances(stopped, REDIS_COMMAND) >= total);
  }

  private static Map<String, long[]> histogram(Path jcmd, long pid) throws Exception {
    Process run = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
      .redirectErrorStream(true).start();
    String text = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, run.waitFor(), text);
    // "   1:         12345        6789012  [B (java.base@17)": instances, bytes, class
    Map<String, long[]> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 4 && fields[0].endsWith(":")) {
        classes.put(fields[3], new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
      }
    }
    assertTrue(classes.size() > 100, "no histogram in: " + text);
    return classes;
  }

  /** What the classes that grew most added per target, for the failure's message. */
  private static String largest(Map<String, long[]> before, Map<String, long[]> after, double targets) {
    return after.entrySet().stream()
      .map(e -> Map.entry(e.getKey(), e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]))
      .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
      .map(e -> String.format("%s %.1f", e.getKey(), e.getValue() / targets)).toList().toString();
  }

  private static long instances(Map<String, long[]> classes, String name) {
    long[] counts = classes.get(name);
    return counts == null ? 0 : counts[0];
  }

  private static long bytes(Map<String, long[]> classes) {
    return classes.values().stream().mapToLong(counts -> counts[1]).sum();
  }

  private static void signal(String signal, long pid) throws Exception {
    new ProcessBuilder("kill", signal, Long.toString(pid)).start().waitFor();
  }

  private static byte[] aggregate() {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < KEYS; i++) {
      keys.append(i == 0 ? "" : "\0").append(String.format("01ARZ3NDEKTSV4RRFFQ6%06d", i));
    }
    return WireClient.frame(3, keys.toString());
  }
}
