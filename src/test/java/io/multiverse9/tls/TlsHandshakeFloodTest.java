package io.multiverse9.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.TestCertificates;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections to a TLS listener that never start their handshake (issue 29): each holds a file descriptor of the
 * node from the moment it is accepted, so each counts against {@code limits.max_connections} from then, and
 * {@code limits.tls_handshake_timeout_ms} lets go of those that never finish. Before, the node held all of them,
 * uncounted, for Vert.x's 10 s.
 */
@ExtendWith(VertxExtension.class)
class TlsHandshakeFloodTest {

  static final int SILENT = 200;
  static final int MAX_CONNECTIONS = 50;
  static final int HANDSHAKE_TIMEOUT_MS = 3_000;
  /** Open files that are not client connections may come and go meanwhile (a Redis connection, a jar). */
  static final int SLACK = 8;

  @TempDir
  Path dir;

  @Test
  void silentConnectionsCountFromAcceptAndAreLetGoAtTheHandshakeTimeout(Vertx vertx) throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "this test counts the node's open files in /proc");
    TestCertificates pki = TestCertificates.authority(dir.resolve("pki"));
    TestCertificates.Issued cert = pki.issue("node", "ip:127.0.0.1");
    JsonObject settings = TestNode.settings(TestRedis.get().uri())
      .put("tls", new JsonObject().put("cert", cert.cert().toString()).put("key", cert.key().toString()))
      .put("limits", new JsonObject().put("max_connections", MAX_CONNECTIONS)
        .put("tls_handshake_timeout_ms", HANDSHAKE_TIMEOUT_MS));
    try (NodeProcess node = NodeProcess.start(dir.resolve("node"), settings);
         Selector selector = Selector.open()) {
      Path fds = Path.of("/proc", String.valueOf(node.process().pid()), "fd");
      long before = count(fds);
      List<SocketChannel> silent = new ArrayList<>();
      try {
        long opened = System.nanoTime();
        for (int i = 0; i < SILENT; i++) {
          SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", node.port()));
          channel.configureBlocking(false);
          channel.register(selector, SelectionKey.OP_READ);
          silent.add(channel);
        }
        // past max_connections the node closes a connection as soon as it accepts it, long before any timeout
        int refused = awaitClosed(selector, SILENT - MAX_CONNECTIONS,
          opened + TimeUnit.MILLISECONDS.toNanos(HANDSHAKE_TIMEOUT_MS * 4 / 5));
        long held = count(fds) - before;
        System.out.printf("%d silent TLS connections, max_connections %d: node open files %d -> %d (+%d), %d "
          + "closed at once%n", SILENT, MAX_CONNECTIONS, before, before + held, held, refused);
        assertTrue(held <= MAX_CONNECTIONS + SLACK, "the node holds " + held + " more open files with " + SILENT
          + " silent connections and max_connections " + MAX_CONNECTIONS);
        assertEquals(SILENT - MAX_CONNECTIONS, refused, "the connections past max_connections are closed at once");

        // the ones it took are let go at the handshake timeout, not held for longer
        int timedOut = awaitClosed(selector, MAX_CONNECTIONS,
          opened + TimeUnit.MILLISECONDS.toNanos(HANDSHAKE_TIMEOUT_MS + 4_000));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - opened);
        assertEquals(MAX_CONNECTIONS, timedOut, "silent connections still open " + seconds
          + " s after they were accepted, with tls_handshake_timeout_ms " + HANDSHAKE_TIMEOUT_MS);
      } finally {
        for (SocketChannel channel : silent) {
          channel.close();
        }
      }

      // their places are given back: a client that speaks TLS is served
      Mv9Client client = Mv9Client.connect(vertx, new ClientOptions().withAddress("127.0.0.1", node.port())
          .withTls(new ClientOptions.Tls(pki.ca().toString(), null, null)))
        .await(20, TimeUnit.SECONDS);
      String key = client.create(Buffer.buffer("after the flood")).await(10, TimeUnit.SECONDS);
      var entry = client.aggregate(List.of(key)).await(10, TimeUnit.SECONDS).get(0);
      assertEquals(EntryStatus.FOUND, entry.status(), entry.data().toString());
      assertEquals("after the flood", entry.data().toString());
      client.close();
    }
  }

  private static long count(Path fds) throws IOException {
    try (Stream<Path> files = Files.list(fds)) {
      return files.count();
    }
  }

  /**
   * Waits until {@code wanted} of the registered connections have been closed by the node (end of stream or
   * reset), or until {@code deadlineNanos}; returns how many were.
   */
  private static int awaitClosed(Selector selector, int wanted, long deadlineNanos) throws IOException {
    ByteBuffer sink = ByteBuffer.allocate(4096);
    int closed = 0;
    while (closed < wanted) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      if (left <= 0) {
        break;
      }
      selector.select(left);
      for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
        SelectionKey key = it.next();
        it.remove();
        boolean ended;
        try {
          sink.clear();
          ended = ((SocketChannel) key.channel()).read(sink) < 0;
        } catch (IOException reset) {
          ended = true;
        }
        if (ended) {
          key.cancel();
          closed++;
        }
      }
    }
    return closed;
  }
}
