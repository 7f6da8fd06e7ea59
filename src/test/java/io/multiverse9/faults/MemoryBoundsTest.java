package io.multiverse9.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 1.6 against hostile clients, on a node in its own JVM with a 256 MiB heap (and -XX:+ExitOnOutOfMemoryError),
 * so that memory that is not bounded shows as a dead node and a failed test, not as a slow one. Each attack is
 * checked to leave the node serving others, with no OutOfMemoryError in its output.
 */
class MemoryBoundsTest {

  @TempDir
  Path dir;

  static JsonObject settings() {
    return new JsonObject().put("name", "multiverse9_memory_test").put("redis_uri", TestRedis.get().uri())
      .put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", new JsonArray()).put("trust_loopback", true)
      .put("key_prefix", "mv9:" + UUID.randomUUID() + ":");
  }

  /**
   * The flood that once filled the heap: 150 connections that are not acknowledged send 1 KiB PINGs as fast as
   * they can and never read an answer. Answers waiting for their sockets are counted in bytes, per connection and
   * node-wide, so the node stops reading from them instead of answering into memory.
   */
  @Test
  void strangersFloodingPingsWithoutReadingCannotExhaustTheNode() throws Exception {
    JsonObject settings = settings().put("trust_loopback", false)
      .put("limits", new JsonObject().put("max_buffered_bytes", 96 * 1024 * 1024));
    try (NodeProcess node = NodeProcess.start(dir, settings)) {
      try (PingFlood flood = new PingFlood(node, 150)) {
        flood.run(12_000, 2_000, sent -> assertServes(node, "during the flood, after " + sent / 1024 / 1024
          + " MiB sent"));
      }
      assertServes(node, "after the flood");
      assertNoOutOfMemory(node);
    }
  }

  /** One AGGREGATE asking for one 1 MiB value 700 times: refused TOO_LARGE, and the connection goes on. */
  @Test
  void anAnswerOverMaxAnswerBytesIsRefusedTooLargeOnAnOpenConnection() throws Exception {
    try (NodeProcess node = NodeProcess.start(dir, settings());
         WireClient client = new WireClient(node.host(), node.port())) {
      WireClient.Frame created = client.call(1, new byte[1024 * 1024]);
      assertEquals(0, created.status(), created.text());
      String key = created.text();
      WireClient.Frame refused = client.call(3, String.join("\0", java.util.Collections.nCopies(700, key)));
      assertEquals(4, refused.status(), "TOO_LARGE, got " + refused.status() + " " + refused.text());
      assertTrue(refused.text().contains("limits.max_answer_bytes"), refused.text());
      WireClient.Frame pong = client.call(5, "still open");
      assertEquals("still open", pong.text(), "the connection stays usable after TOO_LARGE");
      WireClient.Frame some = client.call(3, String.join("\0", java.util.Collections.nCopies(20, key)));
      assertEquals(0, some.status(), "20 copies fit in 64 MiB");
      assertEquals(20L * (7 + 26 + 1024 * 1024), some.payload().length);
      assertNoOutOfMemory(node);
    }
  }

  /**
   * A client pipelines a million AGGREGATEs of a 64 KiB value without ever reading: the node stops reading once
   * max_pending_bytes of answers wait, serves others meanwhile, and the idle timeout closes the connection
   * although it still has answers the client never took.
   */
  @Test
  void aPipeliningClientThatNeverReadsIsBoundedThenClosedByTheIdleTimeout() throws Exception {
    JsonObject settings = settings().put("limits", new JsonObject().put("idle_timeout_s", 3))
      .put("metrics", new JsonObject().put("addr", "127.0.0.1:0"));
    try (NodeProcess node = NodeProcess.start(dir, settings)) {
      int metricsPort = node.metricsPort();
      String key;
      try (WireClient client = new WireClient(node.host(), node.port())) {
        key = client.call(1, new byte[64 * 1024]).text();
      }
      byte[] aggregate = WireClient.frame(3, key);
      // 32 MB of requests: more than the kernel's socket buffers on both sides hold
      ByteBuffer requests = ByteBuffer.allocate(aggregate.length * 1_000_000);
      while (requests.hasRemaining()) {
        requests.put(aggregate);
      }
      requests.flip();
      try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        channel.connect(new InetSocketAddress(node.host(), node.port()));
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_WRITE);
        boolean stalled = false;
        while (requests.hasRemaining() && !stalled) {
          if (channel.write(requests) == 0) {
            selector.selectedKeys().clear();
            stalled = selector.select(2_000) == 0;
          }
        }
        assertTrue(stalled, "the node read all 1,000,000 requests (" + requests.position() + " bytes) of a client "
          + "that takes no answer");
        assertServes(node, "while a client that never reads is stalled");
        Poll.until("idle_timeout_s 3 closes the connection with unread answers", Duration.ofSeconds(15),
          () -> gauge(metricsPort, "mv9_connections"), open -> open == 0);
      }
      assertServes(node, "after");
      assertNoOutOfMemory(node);
    }
  }

  /**
   * Connections that are not acknowledged announce 16 MiB CREATEs: each is refused FORBIDDEN from its header, before
   * a byte of payload is sent, and the payload that follows is skipped without being kept.
   */
  @Test
  void aForbiddenFrameIsRefusedFromItsHeaderAndItsPayloadSkipped() throws Exception {
    JsonObject settings = settings().put("trust_loopback", false);
    try (NodeProcess node = NodeProcess.start(dir, settings)) {
      int size = 16 * 1024 * 1024;
      List<Thread> senders = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 24; i++) {
        Thread sender = new Thread(() -> {
          try (WireClient client = new WireClient(node.host(), node.port())) {
            client.write(ByteBuffer.allocate(6).putShort((short) 1).putInt(size).array());
            WireClient.Frame refused = client.readFrame();
            assertEquals(3, refused.status(), "FORBIDDEN before the payload: " + refused.text());
            byte[] chunk = new byte[1024 * 1024];
            for (int sentBytes = 0; sentBytes < size; sentBytes += chunk.length) {
              client.write(chunk);
            }
            assertEquals("after", client.call(5, "after").text(), "the payload was skipped, framing kept");
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        sender.start();
        senders.add(sender);
      }
      for (Thread sender : senders) {
        sender.join(60_000);
      }
      assertEquals(List.of(), failures);
      assertNoOutOfMemory(node);
    }
  }

  /**
   * When open_interactions lets strangers CREATE, a stranger's frame is still bounded by
   * max_stranger_frame_bytes: TOO_LARGE from the header, payload skipped, connection open; after AUTH it is not.
   */
  @Test
  void aStrangersFrameIsBoundedByMaxStrangerFrameBytesUntilItAuthenticates() throws Exception {
    JsonObject settings = settings().put("trust_loopback", false)
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", true))
      .put("auth", new JsonObject().put("token", "memory-test-token"));
    try (NodeProcess node = NodeProcess.start(dir, settings);
         WireClient client = new WireClient(node.host(), node.port())) {
      assertEquals(0, client.call(1, new byte[64 * 1024]).status(), "64 KiB is within the stranger limit");
      client.write(ByteBuffer.allocate(6).putShort((short) 1).putInt(64 * 1024 + 1).array());
      WireClient.Frame refused = client.readFrame();
      assertEquals(4, refused.status(), refused.text());
      assertTrue(refused.text().contains("limits.max_stranger_frame_bytes"), refused.text());
      client.write(new byte[64 * 1024 + 1]);
      assertEquals(0, client.call(6, "memory-test-token").status());
      assertEquals(0, client.call(1, new byte[1024 * 1024]).status(), "an acknowledged connection may send more");
      assertNoOutOfMemory(node);
    }
  }

  /**
   * All connections together: with max_buffered_bytes of 4 MiB and per-connection limits set high, twenty
   * connections that never read make the node hold little more than 4 MiB (mv9_buffered_bytes), not what each
   * alone would be allowed.
   */
  @Test
  void allConnectionsTogetherStopAtMaxBufferedBytes() throws Exception {
    JsonObject settings = settings()
      .put("metrics", new JsonObject().put("addr", "127.0.0.1:0"))
      .put("limits", new JsonObject().put("max_buffered_bytes", 4 * 1024 * 1024)
        .put("max_pending_bytes", 256 * 1024 * 1024).put("max_pipeline", 1_000_000));
    try (NodeProcess node = NodeProcess.start(dir, settings)) {
      int metricsPort = node.metricsPort();
      long[] peak = {0};
      try (PingFlood flood = new PingFlood(node, 20)) {
        flood.run(6_000, 250, sent -> peak[0] = Math.max(peak[0], gauge(metricsPort, "mv9_buffered_bytes")));
      }
      assertTrue(peak[0] > 3 * 1024 * 1024, "the clients never made the node hold much: " + peak[0]);
      assertTrue(peak[0] < 16 * 1024 * 1024, "20 connections made the node hold " + peak[0] + " bytes with "
        + "max_buffered_bytes 4 MiB");
      assertServes(node, "after");
    }
  }

  /**
   * One client for every scrape: a client each leaves its connection open, and a poll every 20 ms went past
   * metrics.max_connections (64) within the 3 s a test waits for an idle timeout, so the next scrape was closed
   * unanswered ("header parser received no bytes").
   */
  private static final HttpClient SCRAPER = HttpClient.newHttpClient();

  /** The value of one of the node's gauges, from its /metrics. */
  private static long gauge(int metricsPort, String name) throws Exception {
    String metrics = SCRAPER.send(HttpRequest.newBuilder(
      URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(metrics);
    assertTrue(m.find(), name + " is not in /metrics");
    return (long) Double.parseDouble(m.group(1));
  }

  /** A fresh connection gets its PING answered. */
  static void assertServes(NodeProcess node, String when) {
    try (WireClient probe = new WireClient(node.host(), node.port())) {
      probe.socket().setSoTimeout(5_000);
      WireClient.Frame pong = probe.call(5, "are you there");
      assertEquals("are you there", pong.text(), "the node did not answer a PING " + when);
    } catch (IOException e) {
      List<String> output = node.output();
      throw new AssertionError("the node did not answer a PING " + when + " (" + e + "); its last lines: "
        + output.subList(Math.max(0, output.size() - 20), output.size()), e);
    }
  }

  static void assertNoOutOfMemory(NodeProcess node) {
    assertFalse(node.output().stream().anyMatch(line -> line.contains("OutOfMemoryError")),
      "the node ran out of memory: " + node.output());
  }

  /** What a flood checks as it goes, with the bytes sent so far. */
  interface Check {
    void at(long sent) throws Exception;
  }

  /** Connections that send 1 KiB PINGs as fast as the node takes them, with tiny receive buffers, and never read. */
  static final class PingFlood implements AutoCloseable {
    private final Selector selector = Selector.open();
    private final List<SocketChannel> channels = new ArrayList<>();

    PingFlood(NodeProcess node, int connections) throws IOException {
      byte[] ping = WireClient.frame(5, new byte[1024]);
      ByteBuffer burst = ByteBuffer.allocate(ping.length * 64);
      while (burst.hasRemaining()) {
        burst.put(ping);
      }
      for (int i = 0; i < connections; i++) {
        SocketChannel channel = SocketChannel.open();
        channels.add(channel);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        channel.connect(new InetSocketAddress(node.host(), node.port()));
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_WRITE, burst.duplicate().flip());
      }
    }

    /** Sends for {@code millis}, running {@code check} every {@code everyMillis}. */
    void run(long millis, long everyMillis, Check check) throws Exception {
      long sent = 0;
      long end = System.currentTimeMillis() + millis;
      long next = System.currentTimeMillis() + everyMillis;
      while (System.currentTimeMillis() < end) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          ByteBuffer data = (ByteBuffer) key.attachment();
          try {
            sent += ((SocketChannel) key.channel()).write(data);
          } catch (IOException closed) {
            key.cancel();
          }
          if (!data.hasRemaining()) {
            data.rewind();
          }
        }
        selector.selectedKeys().clear();
        if (System.currentTimeMillis() > next) {
          check.at(sent);
          next = System.currentTimeMillis() + everyMillis;
        }
      }
    }

    @Override
    public void close() throws IOException {
      for (SocketChannel channel : channels) {
        channel.close();
      }
      selector.close();
    }
  }
}
