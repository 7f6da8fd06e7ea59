package io.multiverse9.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.Status;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Java client against a real node. */
@ExtendWith(VertxExtension.class)
class Mv9ClientTest {

  static Vertx nodeVertx;
  static TestNode node;

  @BeforeAll
  static void startNode() {
    nodeVertx = Vertx.vertx();
    node = TestNode.start(nodeVertx, TestNode.settings(TestRedis.get().uri()));
  }

  @AfterAll
  static void stopNode() {
    node.close();
    nodeVertx.close().await();
  }

  static ClientOptions options() {
    return new ClientOptions().withAddress("127.0.0.1", node.port());
  }

  @Test
  void createAggregateRemoveWithBinaryValues(Vertx vertx, VertxTestContext test) {
    byte[] value = {0, (byte) 0xFF, 1, 0, (byte) 0x80};
    Mv9Client.connect(vertx, options()).onComplete(test.succeeding(client -> client.create(Buffer.buffer(value))
      .compose(key -> client.aggregate(List.of(key, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "bad"))
        .compose(entries -> {
          test.verify(() -> {
            assertEquals(3, entries.size());
            AggregateEntry found = entries.get(0);
            assertEquals(EntryStatus.FOUND, found.status());
            assertEquals(key, found.target().toString());
            assertArrayEquals(value, found.data().getBytes());
            assertEquals(EntryStatus.NOT_FOUND, entries.get(1).status());
            assertEquals(EntryStatus.INVALID_KEY, entries.get(2).status());
          });
          return client.remove(List.of(key, key));
        }))
      .onComplete(test.succeeding(removed -> test.verify(() -> {
        assertEquals(1L, removed);
        client.close();
        test.completeNow();
      })))));
  }

  @Test
  void pipelinedCallsCompleteInOrder(Vertx vertx, VertxTestContext test) {
    int n = 500;
    Mv9Client.connect(vertx, options()).onComplete(test.succeeding(client -> {
      List<Future<Buffer>> pings = new ArrayList<>();
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        pings.add(client.ping(Buffer.buffer("p" + i)).onSuccess(b -> order.add(index)));
      }
      test.verify(() -> assertTrue(client.pending() > 1, "requests were in flight together"));
      Future.all(pings).onComplete(test.succeeding(all -> test.verify(() -> {
        for (int i = 0; i < n; i++) {
          assertEquals("p" + i, pings.get(i).result().toString());
          assertEquals(i, order.get(i));
        }
        client.close();
        test.completeNow();
      })));
    }));
  }

  @Test
  void errorStatusesAreExceptionsThatNameThem(Vertx vertx, VertxTestContext test) {
    var checks = test.checkpoint(2);
    Mv9Client.connect(vertx, options()).onComplete(test.succeeding(client -> {
      client.remove(List.of("NOTAKEY")).onComplete(test.failing(e -> test.verify(() -> {
        assertEquals(Status.BAD_REQUEST, ((Mv9Exception) e).status());
        assertTrue(e.getMessage().startsWith("BAD_REQUEST: "), e.getMessage());
        checks.flag();
      })));
      client.auth("wrong").onComplete(test.failing(e -> test.verify(() -> {
        assertEquals(Status.FORBIDDEN, ((Mv9Exception) e).status());
        client.close();
        checks.flag();
      })));
    }));
  }

  @Test
  void metadataAndPing(Vertx vertx, VertxTestContext test) {
    Mv9Client.connect(vertx, options()).onComplete(test.succeeding(client -> client.metadata()
      .compose(json -> {
        test.verify(() -> assertEquals(node.settings().name(), json.getString("name")));
        return client.ping(Buffer.buffer("hi"));
      })
      .onComplete(test.succeeding(echo -> test.verify(() -> {
        assertEquals("hi", echo.toString());
        client.close();
        test.completeNow();
      })))));
  }

  @Test
  void aNodeThatIsNotThereIsUnavailable(Vertx vertx, VertxTestContext test) throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Mv9Client.connect(vertx, new ClientOptions().withAddress("127.0.0.1", closedPort))
      .onComplete(test.failing(e -> test.verify(() -> {
        assertEquals(Status.UNAVAILABLE, ((Mv9Exception) e).status());
        test.completeNow();
      })));
  }

  /**
   * A server that stops reading: the request times out, and the client lets the connection go at once rather
   * than keep pushing the request it gave up on (a graceful close would wait behind it for as long as the server
   * does not read). The server, reading only afterwards, gets part of the frame and then the end.
   */
  @Test
  void aServerThatStopsReadingIsLetGoWhenTheRequestTimesOut(Vertx vertx) throws Exception {
    byte[] value = new byte[16 * 1024 * 1024 - 16];
    try (ServerSocket server = new ServerSocket()) {
      server.setReceiveBufferSize(64 * 1024);
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Mv9Client client = Mv9Client.connect(vertx, new ClientOptions().withAddress("127.0.0.1", server.getLocalPort())
        .withRequestTimeoutMs(500)).await();
      try (Socket accepted = server.accept()) {
        Throwable failed = client.create(Buffer.buffer(value)).map(key -> (Throwable) null)
          .otherwise(e -> e).await();
        assertTrue(failed instanceof Mv9Exception e && e.status() == Status.UNAVAILABLE, String.valueOf(failed));
        accepted.setSoTimeout(10_000);
        long received = 0;
        try {
          for (int n; (n = accepted.getInputStream().read(new byte[65536])) >= 0; ) {
            received += n;
          }
        } catch (java.net.SocketException reset) {
          // a reset is an end too
        }
        assertTrue(received < value.length, "the client went on sending all " + received
          + " bytes of a request it had given up on");
      }
      client.close().await();
    }
  }
}
