package io.multiverse9.server;

import static io.multiverse9.support.WireClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.storage.RedisServerProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Backpressure, idle timeout and the connection limit (SPEC 1.6). */
@ExtendWith(VertxExtension.class)
class ConnectionLimitsTest {

  @TempDir
  Path tempDir;

  static TestNode node(Vertx vertx, JsonObject limits) {
    return TestNode.start(vertx, TestNode.settings(TestRedis.get().uri()).put("limits", limits));
  }

  @Test
  void theNodeStopsReadingWhileMaxPipelineRequestsAreInFlight(Vertx vertx) throws Exception {
    // a Redis that stops answering keeps every CREATE in flight
    try (RedisServerProcess redis = RedisServerProcess.start(tempDir, false)) {
      TestNode node = TestNode.start(vertx, TestNode.settings(redis.uri())
        .put("limits", new JsonObject().put("max_pipeline", 4).put("storage_timeout_ms", 60_000)));
      signal("STOP", redis.pid());
      try {
        long accepted = writeUntilTheNodeStopsReading(node.port(), frame(1, new byte[100_000]));
        assertTrue(accepted < 64L * 1024 * 1024,
          "the node kept reading although 4 requests were in flight: " + accepted + " bytes accepted");
      } finally {
        signal("CONT", redis.pid());
      }
    }
  }

  /** Writes the frame again and again until the node has not taken a byte for 2 s; returns the bytes taken. */
  static long writeUntilTheNodeStopsReading(int port, byte[] frame) throws Exception {
    long cap = 512L * 1024 * 1024;
    long written = 0;
    try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
      channel.configureBlocking(false);
      ByteBuffer buffer = ByteBuffer.wrap(frame);
      long stuckSince = 0;
      while (written < cap) {
        if (!buffer.hasRemaining()) {
          buffer.rewind();
        }
        int n = channel.write(buffer);
        written += n;
        if (n > 0) {
          stuckSince = 0;
        } else if (stuckSince == 0) {
          stuckSince = System.nanoTime();
        } else if (System.nanoTime() - stuckSince > 2_000_000_000L) {
          break;
        } else {
          Thread.sleep(5); // polling a non-blocking socket, not waiting for a result
        }
      }
    }
    return written;
  }

  static void signal(String signal, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
  }

  @Test
  void answersStillComeInOrderWithASmallPipelineLimit(Vertx vertx) throws Exception {
    TestNode node = node(vertx, new JsonObject().put("max_pipeline", 2));
    try (WireClient client = node.connect()) {
      java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < 300; i++) {
        batch.write(frame(1, "v" + i));
        batch.write(frame(5, "p" + i));
      }
      client.write(batch.toByteArray());
      for (int i = 0; i < 300; i++) {
        assertEquals(0, client.readFrame().status());
        assertEquals("p" + i, client.readFrame().text());
      }
    }
  }

  @Test
  void anIdleConnectionIsClosed(Vertx vertx) throws Exception {
    TestNode node = node(vertx, new JsonObject().put("idle_timeout_s", 1));
    try (WireClient client = node.connect()) {
      assertEquals(0, client.call(5, "hi").status());
      client.assertClosedByPeer(); // bounded by the client's read timeout
    }
  }

  @Test
  void connectionsPastTheLimitAreRefusedWithBusy(Vertx vertx) throws Exception {
    TestNode node = node(vertx, new JsonObject().put("max_connections", 2));
    try (WireClient first = node.connect(); WireClient second = node.connect()) {
      assertEquals(0, first.call(5, "1").status());
      assertEquals(0, second.call(5, "2").status());
      try (WireClient third = node.connect()) {
        WireClient.Frame refused = third.readFrame();
        assertEquals(7, refused.status(), "BUSY");
        assertTrue(refused.text().contains("max_connections"), refused.text());
        third.assertClosedByPeer();
      }
      first.close();
      // the place is given back once the node saw the close: poll until a new connection is served
      WireClient.Frame reply = Poll.until("the closed connection's place is freed", Duration.ofSeconds(10), () -> {
        try (WireClient again = node.connect()) {
          again.write(frame(5, "again"));
          return again.readFrame();
        }
      }, answer -> answer.status() == 0);
      assertEquals("again", reply.text());
    }
  }
}
