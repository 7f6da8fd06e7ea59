package io.multiverse9.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.storage.RedisServerProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics.addr}: Prometheus /metrics and /health, against a real node and a real Redis. */
@ExtendWith(VertxExtension.class)
class MetricsTest {

  @TempDir
  Path dir;

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsCountRequestsAndHealthFollowsRedis(Vertx vertx) throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(dir, false)) {
      TestNode node = TestNode.start(vertx, TestNode.settings(redis.uri())
        .put("metrics", new JsonObject().put("addr", "127.0.0.1:0"))
        .put("limits", new JsonObject().put("storage_timeout_ms", 1000)));
      int metricsPort = node.metricsPort();
      try (WireClient client = node.connect()) {
        assertEquals(0, client.call(5, "ping").status());
        assertEquals(0, client.call(1, "value").status());
        assertEquals(1, client.call(2, "NOTAKEY").status());
      }
      String metrics = get(metricsPort, "/metrics").body();
      assertTrue(metrics.contains("mv9_requests_seconds_count{opcode=\"CREATE\",status=\"OK\"}"), metrics);
      assertTrue(metrics.contains("mv9_requests_seconds_count{opcode=\"REMOVE\",status=\"BAD_REQUEST\"}"), metrics);
      assertTrue(metrics.contains("mv9_requests_seconds_bucket{opcode=\"PING\""), "latency histogram");
      assertTrue(metrics.contains("mv9_connections{node=\"" + node.settings().name() + "\"}"), metrics);

      HttpResponse<String> up = get(metricsPort, "/health");
      assertEquals(200, up.statusCode());
      assertEquals("UP", new JsonObject(up.body()).getString("status"));

      redis.close();
      HttpResponse<String> down = get(metricsPort, "/health");
      assertEquals(503, down.statusCode());
      assertEquals("unreachable", new JsonObject(down.body()).getString("redis"));
      assertEquals(404, get(metricsPort, "/nothing").statusCode());
    }
  }

  // --- SPEC 1.6: whoever reaches metrics.addr holds bounded resources ---

  /** Starts a node with metrics on a port of the system's choosing, and returns that port. */
  static int nodeWithMetrics(Vertx vertx, int idleTimeoutS, int maxConnections) {
    return TestNode.start(vertx, TestNode.settings(io.multiverse9.support.TestRedis.get().uri())
      .put("metrics", new JsonObject().put("addr", "127.0.0.1:0")
        .put("idle_timeout_s", idleTimeoutS).put("max_connections", maxConnections))).metricsPort();
  }

  static java.net.Socket open(int port) throws Exception {
    java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    return socket;
  }

  /** Milliseconds until the server closes {@code socket} (end of stream or reset); fails past the read timeout. */
  static long millisUntilClosed(java.net.Socket socket) throws Exception {
    long start = System.nanoTime();
    try {
      java.io.InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // an answer, if any, before the close
      }
    } catch (java.net.SocketException reset) {
      // a reset is a close too
    } catch (java.net.SocketTimeoutException e) {
      org.junit.jupiter.api.Assertions.fail("the metrics listener never closed the connection");
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void connectionsPastTheCapAreClosedAtOnceAndTheOthersStillServed(Vertx vertx) throws Exception {
    java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
    try {
      int metricsPort = nodeWithMetrics(vertx, 30, 4);
      for (int i = 0; i < 4; i++) {
        held.add(open(metricsPort));
      }
      // the four are admitted: each answers on its own connection
      for (java.net.Socket socket : held) {
        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1"));
      }
      try (java.net.Socket fifth = open(metricsPort)) {
        assertTrue(millisUntilClosed(fifth) < 5_000, "the fifth connection is closed at once");
      }
      held.remove(0).close();
      // the freed slot is taken again: polled, since the close reaches the server a moment later
      Object answer = Poll.until("a connection is admitted after one closed", Duration.ofSeconds(10), () -> {
        try {
          return get(metricsPort, "/metrics").statusCode();
        } catch (java.io.IOException refused) {
          return refused;
        }
      }, seen -> !(seen instanceof java.io.IOException));
      assertEquals(200, answer);
    } finally {
      for (java.net.Socket socket : held) {
        socket.close();
      }
    }
  }

  /** Each peer and outcome has its own count, which every request to that peer adds to (not only the first). */
  @Test
  void peerRequestsAreCountedByPeerAndOutcome() {
    String peer = "127.0.0.9:" + (20000 + (int) (Math.random() * 10000));
    NodeMetrics.peerRequest(peer, "ok");
    NodeMetrics.peerRequest(peer, "ok");
    NodeMetrics.peerRequest(peer, "unavailable");
    assertEquals(2.0, NodeMetrics.meters().get("mv9_peer_requests").tags("peer", peer, "outcome", "ok")
      .counter().count());
    assertEquals(1.0, NodeMetrics.meters().get("mv9_peer_requests").tags("peer", peer, "outcome", "unavailable")
      .counter().count());
  }

  /** Writes {@code head}, then one byte every 200 ms until the server closes: never idle for a 1 s idle timeout. */
  static long millisUntilATrickleIsClosed(int port, String head) throws Exception {
    try (java.net.Socket slow = open(port)) {
      java.io.OutputStream out = slow.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      Thread trickle = new Thread(() -> {
        try {
          while (true) {
            out.write('x');
            out.flush();
            Thread.sleep(200); // the client's pace, not a synchronisation
          }
        } catch (Exception closed) {
          // the server closed the connection
        }
      }, "trickle");
      trickle.setDaemon(true);
      trickle.start();
      return millisUntilClosed(slow);
    }
  }

  @Test
  void slowAndSilentClientsAreCutOffByTheIdleTimeout(Vertx vertx) throws Exception {
    int metricsPort = nodeWithMetrics(vertx, 1, 64);
    // a request head that never ends
    long closedAfter = millisUntilATrickleIsClosed(metricsPort, "GET /metrics HTTP/1.1\r\nX-Slow: ");
    assertTrue(closedAfter < 5_000, "a trickled head closed after " + closedAfter + " ms, not about 1 s");
    // a body that never ends, after a head that was answered: the connection is not idle, yet held for nothing
    closedAfter = millisUntilATrickleIsClosed(metricsPort,
      "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
    assertTrue(closedAfter < 5_000, "a trickled body closed after " + closedAfter + " ms, not about 1 s");
    try (java.net.Socket silent = open(metricsPort)) {
      closedAfter = millisUntilClosed(silent);
      assertTrue(closedAfter < 5_000, "a silent connection closed after " + closedAfter + " ms");
    }
  }

  @Test
  void aRequestHeadOverTheBoundIsRefused(Vertx vertx) throws Exception {
    int metricsPort = nodeWithMetrics(vertx, 30, 64);
    try (java.net.Socket socket = open(metricsPort)) {
      socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nX-Big: " + "x".repeat(16 * 1024) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
    }
  }
}
