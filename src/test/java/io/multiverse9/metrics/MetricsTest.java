package io.multiverse9.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.storage.RedisServerProcess;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics.addr}: Prometheus /metrics and /health, against a real node and a real Redis. */
class MetricsTest {

  @TempDir
  Path dir;

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsCountRequestsAndHealthFollowsRedis() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    RedisServerProcess redis = RedisServerProcess.start(dir, false);
    try {
      int metricsPort = NodeProcess.freePort("127.0.0.1");
      TestNode node = TestNode.start(vertx, TestNode.settings(redis.uri())
        .put("metrics", new JsonObject().put("addr", "127.0.0.1:" + metricsPort))
        .put("limits", new JsonObject().put("storage_timeout_ms", 1000)));
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
    } finally {
      vertx.close().await();
      redis.close();
    }
  }
}
