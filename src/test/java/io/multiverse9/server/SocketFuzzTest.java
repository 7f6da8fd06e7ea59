package io.multiverse9.server;

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
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of random and half-valid frames and lines thrown at a running node over real sockets (issue 7): it
 * answers or closes every connection, keeps serving, and holds no connection afterwards.
 */
@ExtendWith(VertxExtension.class)
class SocketFuzzTest {

  static TestNode node;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri())
      .put("limits", new JsonObject().put("max_frame_bytes", 4096).put("max_pipeline", 8)));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** One fuzz input: random bytes, or valid pieces with random damage. */
  static byte[] input(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pieces = 1 + random.nextInt(6);
    for (int i = 0; i < pieces; i++) {
      switch (random.nextInt(6)) {
        case 0 -> {
          byte[] noise = new byte[random.nextInt(64)];
          random.nextBytes(noise);
          out.writeBytes(noise);
        }
        case 1 -> out.writeBytes(WireClient.frame(random.nextInt(9), randomText(random, 40)));
        case 2 -> { // a header announcing more or less than follows
          byte[] frame = WireClient.frame(1 + random.nextInt(6), randomText(random, 40));
          java.nio.ByteBuffer.wrap(frame).putInt(2, random.nextInt(10_000));
          out.writeBytes(frame);
        }
        case 3 -> out.writeBytes((List.of("CREATE", "AGGREGATE", "REMOVE", "PING", "METADATA", "AUTH", "XYZZY")
          .get(random.nextInt(7)) + " " + randomText(random, 60) + (random.nextBoolean() ? "\n" : "")).getBytes());
        case 4 -> out.writeBytes(("AGGREGATE 01ARZ3NDEKTSV4RRFFQ69G5FAV@" + randomText(random, 20) + "\n").getBytes());
        default -> out.writeBytes(WireClient.frame(3, "01ARZ3NDEKTSV4RRFFQ69G5FAV\0\0bad@[::1\0x@y:1"));
      }
    }
    return out.toByteArray();
  }

  static String randomText(Random random, int max) {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(max);
    for (int i = 0; i < length; i++) {
      s.append((char) (random.nextInt(10) == 0 ? random.nextInt(256) : ' ' + random.nextInt(95)));
    }
    return s.toString();
  }

  @Test
  void theNodeSurvivesAndLeaksNoConnection() throws Exception {
    Random random = new Random(20261124);
    for (int i = 0; i < 1500; i++) {
      try (Socket socket = new Socket("127.0.0.1", node.port())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(input(random));
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        // the node answers what it can, then closes: read to the end (a reset counts as the end too)
        try {
          while (in.read(new byte[8192]) >= 0) {
            // drain
          }
        } catch (java.net.SocketException reset) {
          // closed by the node after a fatal error
        }
      }
    }
    try (WireClient client = node.connect()) {
      WireClient.Frame created = client.call(1, "after the storm");
      assertEquals(0, created.status(), created.text());
      WireClient.Frame found = client.call(3, created.text());
      assertTrue(new String(found.payload(), StandardCharsets.UTF_8).endsWith("after the storm"));
    }
    Gauge open = NodeMetrics.meters().find("mv9_connections").tag("node", node.settings().name()).gauge();
    Poll.until("no connection is open", Duration.ofSeconds(10), open::value, value -> value == 0);
  }
}
