package io.multiverse9.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.multiverse9.metrics.NodeMetrics;
import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Clients that trickle, and clients that open connections without end (issue 7). */
@ExtendWith(VertxExtension.class)
class HostileClientsTest {

  @Test
  void aClientTricklingOneByteASecondIsClosedByTheIdleTimeout(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri())
      .put("limits", new JsonObject().put("idle_timeout_s", 1)));
    byte[] frame = WireClient.frame(5, "a frame that never completes in time");
    long t0 = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      OutputStream out = socket.getOutputStream();
      boolean closed = false;
      for (int i = 0; i < frame.length && !closed; i++) {
        try {
          out.write(frame[i]);
          out.flush();
          Thread.sleep(400); // the trickle itself: this is the behaviour under test
        } catch (IOException e) {
          closed = true;
        }
        if (!closed) {
          socket.setSoTimeout(1);
          try {
            closed = socket.getInputStream().read() < 0;
          } catch (java.net.SocketTimeoutException stillOpen) {
            // nothing yet
          } catch (IOException reset) {
            closed = true;
          }
        }
      }
      assertTrue(closed, "the node kept a trickling connection open");
    }
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertTrue(seconds < 10, "closed only after " + seconds + " s with idle_timeout_s 1");
  }

  @Test
  void aConnectionFloodStopsAtMaxConnectionsAndTheNodeServesAfterwards(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri())
      .put("limits", new JsonObject().put("max_connections", 50)));
    List<WireClient> flood = new ArrayList<>();
    int busy = 0;
    try {
      for (int i = 0; i < 150; i++) {
        WireClient client = node.connect();
        flood.add(client);
        client.write(WireClient.frame(5, "x"));
        if (client.readFrame().status() == 7) {
          busy++;
        }
      }
      assertEquals(100, busy, "exactly the connections past 50 were refused");
    } finally {
      for (WireClient client : flood) {
        client.close();
      }
    }
    Poll.until("the flood's places are given back", Duration.ofSeconds(10), () -> {
      try (WireClient client = node.connect()) {
        client.write(WireClient.frame(1, "after the flood"));
        return client.readFrame().status();
      }
    }, status -> status == 0);
  }

  /**
   * A client that sends without ever reading its answers: once the node's write queue for it is full the node
   * stops reading, so what the client can push is bounded by the socket buffers, not by the node's memory; the
   * idle timeout then closes the connection although its answers were never taken, and the node serves others.
   */
  @Test
  void aClientThatNeverReadsIsHeldByBackpressureThenClosedByTheIdleTimeout(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri())
      .put("limits", new JsonObject().put("idle_timeout_s", 4)));
    String key;
    try (WireClient client = node.connect()) {
      WireClient.Frame created = client.call(1, "v".repeat(1024));
      assertEquals(0, created.status(), created.text());
      key = created.text();
    }
    // each request is 34 bytes and each answer over 1 KiB: the socket buffers take a few MiB of requests, and
    // without backpressure the node would read all NEVER_STALLS_BELOW bytes of them and hold half a gigabyte of
    // answers for a client that takes none
    ByteBuffer requests = ByteBuffer.wrap(WireClient.frame(3, key));
    long written = 0;
    boolean stalled = false;
    try (SocketChannel channel = SocketChannel.open();
         Selector selector = Selector.open()) {
      channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
      channel.connect(new InetSocketAddress("127.0.0.1", node.port()));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_WRITE);
      while (written < NEVER_STALLS_BELOW) {
        int n = channel.write(requests);
        written += n;
        if (!requests.hasRemaining()) {
          requests.rewind();
        }
        if (n == 0) {
          selector.selectedKeys().clear();
          if (selector.select(1_000) == 0) {
            stalled = true; // no room to write for a second: the node has stopped reading
            break;
          }
        }
      }
      assertTrue(stalled, "the node kept reading " + written + " bytes of requests whose answers nobody took");

      Gauge open = NodeMetrics.meters().find("mv9_connections").tag("node", node.settings().name()).gauge();
      assertEquals(1, open.value(), "the stalled connection is open");
      try (WireClient other = node.connect()) {
        assertEquals(0, other.call(5, "still serving").status(), "another client is served meanwhile");
      }
      Poll.until("idle_timeout_s 4 closes the connection whose answers are never read", Duration.ofSeconds(15),
        open::value, value -> value == 0);
    }
  }

  private static final long NEVER_STALLS_BELOW = 16L * 1024 * 1024;
}
