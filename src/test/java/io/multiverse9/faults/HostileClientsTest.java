package io.multiverse9.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients that trickle, and clients that open connections without end (issue 7). */
class HostileClientsTest {

  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aClientTricklingOneByteASecondIsClosedByTheIdleTimeout() throws Exception {
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
  void aConnectionFloodStopsAtMaxConnectionsAndTheNodeServesAfterwards() throws Exception {
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
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try (WireClient client = node.connect()) {
        client.write(WireClient.frame(1, "after the flood"));
        if (client.readFrame().status() == 0) {
          break;
        }
      }
      assertTrue(System.currentTimeMillis() < deadline, "the flood's places were never given back");
    }
  }
}
