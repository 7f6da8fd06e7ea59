package io.multiverse9.faults;

import static io.multiverse9.faults.MemoryBoundsTest.assertNoOutOfMemory;
import static io.multiverse9.faults.MemoryBoundsTest.assertServes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 1.6, requests already read: the values that a connection's requests in flight answer with are counted as
 * they arrive, and no further request of that connection starts while it is over its limits. Clients pipeline
 * AGGREGATEs of one 16 MiB value and never read, on a node with a 256 MiB heap and the default limits: before,
 * the node started every request read and fetched every value (96 x 16 MiB) before counting any.
 */
class InFlightMemoryTest {

  /** The largest value a CREATE frame carries under the default limits.max_frame_bytes (16 MiB). */
  private static final int VALUE_BYTES = 16 * 1024 * 1024;
  /** One AGGREGATE entry but its target: status, target length, data length, data. */
  private static final int ENTRY_BYTES = 1 + 2 + 4 + VALUE_BYTES;
  private static final long MIB = 1024 * 1024;
  /** One client for every scrape: a client each would leave more connections open than metrics.max_connections. */
  private static final HttpClient SCRAPER = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  /**
   * One connection pipelines 96 AGGREGATEs of one 16 MiB value and reads nothing: the node holds about one answer
   * (not 96), serves another connection meanwhile, and, once the client reads, answers all 96 in order.
   */
  @Test
  void aConnectionPipeliningAggregatesOfALargeValueHoldsAboutOneAnswer() throws Exception {
    JsonObject settings = MemoryBoundsTest.settings().put("metrics", new JsonObject().put("addr", "127.0.0.1:0"));
    try (NodeProcess node = NodeProcess.start(dir, settings)) {
      byte[] value = pattern();
      String key = store(node, value);
      try (WireClient attacker = new WireClient(node.host(), node.port())) {
        ninetySixUnreadHoldAboutOneAnswer(node, attacker, key, value, "");
        assertEquals("after", attacker.call(5, "after").text(), "the connection goes on");
      }
      assertServes(node, "after the client read its answers");
      assertNoOutOfMemory(node);
    }
  }

  /**
   * Twelve connections with six such AGGREGATEs each and nothing read: the node holds no more than
   * max_buffered_bytes (set to 80 MiB here) and one value, stays up and serves others. Before, the twelve first
   * AGGREGATEs started together before any answer was counted: the node held twelve 16 MiB answers (192 MiB).
   */
  @Test
  void twelveConnectionsPipeliningAggregatesOfALargeValueLeaveTheNodeServing() throws Exception {
    JsonObject settings = MemoryBoundsTest.settings().put("metrics", new JsonObject().put("addr", "127.0.0.1:0"))
      .put("limits", new JsonObject().put("max_buffered_bytes", 80 * MIB));
    try (NodeProcess node = NodeProcess.start(dir, settings)) {
      byte[] value = pattern();
      String key = store(node, value);
      List<WireClient> attackers = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) {
          WireClient attacker = new WireClient(node.host(), node.port());
          attackers.add(attacker);
          attacker.socket().setReceiveBufferSize(64 * 1024);
          attacker.write(aggregates(key, 6));
        }
        Watch watch = watch(node, 8_000);
        System.out.printf("12 connections, 6 x AGGREGATE of 16 MiB each, not read: peak mv9_buffered_bytes %d MiB, "
          + "peak VmRSS %d MiB%n", watch.peakBuffered / MIB, watch.peakRssKib / 1024);
        assertTrue(watch.peakBuffered <= 80 * MIB + 16 * MIB, "twelve connections made the node hold "
          + watch.peakBuffered + " bytes (max_buffered_bytes 80 MiB)");
        // all read at once: the node holds answers for some while the others wait for room, as it should
        ExecutorService readers = Executors.newFixedThreadPool(attackers.size());
        try {
          List<Future<?>> reads = new ArrayList<>();
          for (WireClient attacker : attackers) {
            reads.add(readers.submit(() -> {
              attacker.socket().setSoTimeout(60_000);
              for (int i = 0; i < 6; i++) {
                assertFound(attacker.readFrame(), key, value, "answer " + (i + 1) + " of 6");
              }
              return null;
            }));
          }
          for (Future<?> read : reads) {
            read.get();
          }
        } finally {
          readers.shutdownNow();
        }
      } finally {
        for (WireClient attacker : attackers) {
          attacker.close();
        }
      }
      assertServes(node, "after the clients read their answers");
      assertNoOutOfMemory(node);
    }
  }

  /**
   * The same through a peer: a connection pipelines 96 AGGREGATEs of a 16 MiB value that lives on an acknowledged
   * peer and reads nothing. The front node holds about one answer: a peer's answer longer than the request's share
   * of what it may hold is read past, not kept, and the request asked again alone once it may hold it. Before, the
   * front node kept every peer answer it was sent (96 x 16 MiB).
   */
  @Test
  void aConnectionPipeliningAggregatesOfALargeValueOnAPeerHoldsAboutOneAnswer() throws Exception {
    try (NodeProcess peer = NodeProcess.start(dir.resolve("peer"), MemoryBoundsTest.settings())) {
      byte[] value = pattern();
      String key = store(peer, value);
      String target = key + "@" + peer.host() + ":" + peer.port();
      JsonObject settings = MemoryBoundsTest.settings().put("metrics", new JsonObject().put("addr", "127.0.0.1:0"))
        .put("nodes", new io.vertx.core.json.JsonArray().add(peer.host() + ":" + peer.port()));
      try (NodeProcess node = NodeProcess.start(dir.resolve("front"), settings);
           WireClient attacker = new WireClient(node.host(), node.port())) {
        ninetySixUnreadHoldAboutOneAnswer(node, attacker, target, value, " on a peer");
        assertNoOutOfMemory(node);
      }
    }
  }

  /**
   * {@code attacker} pipelines 96 AGGREGATEs of {@code target} and reads nothing for 6 s: the node holds less than
   * 48 MiB (max_pending_bytes 4 MiB and about one 16 MiB answer) and serves others; then all 96 are read, whole.
   */
  private static void ninetySixUnreadHoldAboutOneAnswer(NodeProcess node, WireClient attacker, String target,
      byte[] value, String where) throws Exception {
    attacker.socket().setReceiveBufferSize(64 * 1024);
    attacker.write(aggregates(target, 96));
    Watch watch = watch(node, 6_000);
    System.out.printf("one connection, 96 x AGGREGATE of 16 MiB%s, not read: peak mv9_buffered_bytes %d MiB, "
      + "peak VmRSS %d MiB%n", where, watch.peakBuffered / MIB, watch.peakRssKib / 1024);
    assertTrue(watch.peakBuffered < 48 * MIB, "one connection made the node hold " + watch.peakBuffered
      + " bytes" + where + " (max_pending_bytes 4 MiB, one answer 16 MiB)");
    attacker.socket().setSoTimeout(60_000);
    for (int i = 0; i < 96; i++) {
      assertFound(attacker.readFrame(), target, value, "answer " + (i + 1) + " of 96");
    }
  }

  private static byte[] pattern() {
    byte[] value = new byte[VALUE_BYTES];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (i * 31 + (i >>> 13));
    }
    return value;
  }

  private static String store(NodeProcess node, byte[] value) throws IOException {
    try (WireClient client = new WireClient(node.host(), node.port())) {
      WireClient.Frame created = client.call(1, value);
      assertEquals(0, created.status(), created.text());
      return created.text();
    }
  }

  private static byte[] aggregates(String key, int count) {
    byte[] one = WireClient.frame(3, key);
    ByteBuffer all = ByteBuffer.allocate(one.length * count);
    for (int i = 0; i < count; i++) {
      all.put(one);
    }
    return all.array();
  }

  private static void assertFound(WireClient.Frame frame, String key, byte[] value, String which) {
    assertEquals(0, frame.status(), which + ": " + (frame.payload().length < 512 ? frame.text() : ""));
    assertEquals(ENTRY_BYTES + key.length(), frame.payload().length, () -> which + ": " + (frame.payload().length < 512
      ? new String(frame.payload(), StandardCharsets.ISO_8859_1) : ""));
    ByteBuffer in = ByteBuffer.wrap(frame.payload());
    assertEquals(0, in.get(), which + ": FOUND");
    byte[] target = new byte[in.getShort()];
    in.get(target);
    assertEquals(key, new String(target, StandardCharsets.ISO_8859_1), which);
    assertEquals(VALUE_BYTES, in.getInt(), which);
    assertTrue(Arrays.equals(value, 0, VALUE_BYTES, frame.payload(), in.position(), frame.payload().length),
      which + ": the value as stored");
  }

  /** What the node held at most while the clients did not read. */
  private record Watch(long peakBuffered, long peakRssKib) {
  }

  /**
   * Polls, for {@code millis}, the node's mv9_buffered_bytes and its resident set, and checks every half second that
   * it still answers a PING on another connection.
   */
  private static Watch watch(NodeProcess node, long millis) throws Exception {
    long peakBuffered = 0;
    long peakRss = 0;
    long end = System.currentTimeMillis() + millis;
    long nextPing = 0;
    while (System.currentTimeMillis() < end) {
      assertTrue(node.process().isAlive(), "the node died: " + tail(node));
      peakRss = Math.max(peakRss, rssKib(node.process().pid()));
      try {
        peakBuffered = Math.max(peakBuffered, bufferedBytes(node.metricsPort()));
      } catch (IOException e) {
        throw new AssertionError("the node's /metrics did not answer (" + e + "); its last lines: " + tail(node), e);
      }
      if (System.currentTimeMillis() > nextPing) {
        assertServes(node, "while clients do not read their AGGREGATE answers");
        nextPing = System.currentTimeMillis() + 500;
      }
      Thread.sleep(50); // sampling a gauge, bounded by the deadline
    }
    return new Watch(peakBuffered, peakRss);
  }

  private static long bufferedBytes(int metricsPort) throws Exception {
    String metrics = SCRAPER.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
      .build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^mv9_buffered_bytes\\{[^}]*} (\\S+)$").matcher(metrics);
    assertTrue(m.find(), "mv9_buffered_bytes is not in /metrics");
    return (long) Double.parseDouble(m.group(1));
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return 0;
  }

  private static String tail(NodeProcess node) {
    List<String> output = node.output();
    return output.subList(Math.max(0, output.size() - 20), output.size()).toString();
  }
}
