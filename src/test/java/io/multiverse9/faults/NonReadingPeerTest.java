package io.multiverse9.faults;

import static io.multiverse9.faults.MemoryBoundsTest.assertNoOutOfMemory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 1.6: what a node writes to a peer is bounded like what it writes to a client. An acknowledged peer accepts
 * connections and never reads; 200 clients each send one AGGREGATE of 4,000 keys on it (about 104 KiB of request
 * to the peer each, 21 MiB in all). What waits to be sent on a peer connection stays within max_pending_bytes: the
 * requests past it fail at once (their entries UNAVAILABLE, saying the peer does not read), the others at
 * peer_timeout_ms; the parsed targets of the requests held are counted (256 bytes each beside the payload), so
 * the node, with max_buffered_bytes a third of its 256 MiB heap, does not run out of memory, and it answers a
 * PING throughout. Before, every request was queued for the peer, and the node ran out of memory.
 */
class NonReadingPeerTest {

  private static final int CLIENTS = 200;
  private static final int KEYS = 4000;

  @TempDir
  Path dir;

  @Test
  void requestsToAPeerThatDoesNotReadWaitWithinMaxPendingBytes() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket peer = new ServerSocket()) {
      // a small receive window from the start (set before bind, so the accepted sockets get it): what the kernel
      // takes off the node's hands stays small, and what waits to be sent is the node's to bound
      peer.setReceiveBufferSize(4096);
      peer.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            Socket s = peer.accept();
            s.setReceiveBufferSize(4096);
            held.add(s); // never read
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "non-reading-peer");
      acceptor.setDaemon(true);
      acceptor.start();
      String addr = "127.0.0.1:" + peer.getLocalPort();
      JsonObject settings = MemoryBoundsTest.settings().put("nodes", new JsonArray().add(addr))
        .put("limits", new JsonObject().put("peer_timeout_ms", 5000).put("max_connections", 400)
          .put("max_pending_bytes", 256 << 10)
          .put("max_buffered_bytes", 80 << 20)); // a third of the node's heap, as OPERATIONS.md says
      try (NodeProcess node = NodeProcess.start(dir, settings)) {
        byte[] frame = aggregate(addr);
        List<WireClient> clients = new ArrayList<>();
        try {
          for (int i = 0; i < CLIENTS; i++) {
            WireClient client = new WireClient(node.host(), node.port());
            clients.add(client);
            client.write(frame);
          }
          long pingStart = System.nanoTime();
          try (WireClient probe = new WireClient(node.host(), node.port())) {
            probe.socket().setSoTimeout(2_000);
            assertEquals("here", probe.call(5, "here").text(), "a PING while the peer does not read");
          }
          long pingMs = (System.nanoTime() - pingStart) / 1_000_000;
          long rssMib = rssKib(node.process().pid()) / 1024;
          int notReading = 0;
          int timedOut = 0;
          for (WireClient client : clients) {
            client.socket().setSoTimeout(30_000);
            WireClient.Frame answer;
            try {
              answer = client.readFrame();
            } catch (IOException e) {
              throw new AssertionError("a client's connection ended: " + node.output(), e);
            }
            assertEquals(0, answer.status(), "the AGGREGATE is answered, its entries say why");
            String first = firstEntryMessage(answer.payload());
            notReading += first.contains("is not reading what is sent to it") ? 1 : 0;
            timedOut += first.contains("did not answer") || first.contains("closed") ? 1 : 0;
          }
          System.out.printf("%d AGGREGATEs through a peer that does not read: %d refused at once, %d at the peer "
            + "timeout or with the connection; a PING took %d ms, node RSS %d MiB%n", CLIENTS, notReading, timedOut,
            pingMs, rssMib);
          assertTrue(notReading > 0, "none refused for the peer not reading: all were queued for it");
          assertEquals(CLIENTS, notReading + timedOut, "every entry UNAVAILABLE for a reason given");
        } finally {
          for (WireClient client : clients) {
            client.close();
          }
        }
        assertNoOutOfMemory(node);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return 0;
  }

  private static byte[] aggregate(String addr) {
    StringBuilder targets = new StringBuilder();
    for (int i = 0; i < KEYS; i++) {
      targets.append(i == 0 ? "" : "\0").append(String.format("01ARZ3NDEKTSV4RRFFQ6%06d", i)).append('@')
        .append(addr);
    }
    return WireClient.frame(3, targets.toString());
  }

  /** The message of the first entry of an AGGREGATE answer (status, target, data). */
  private static String firstEntryMessage(byte[] payload) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    byte status = in.get();
    int targetLength = in.getShort();
    in.position(in.position() + targetLength);
    byte[] data = new byte[in.getInt()];
    in.get(data);
    assertEquals(4, status, "UNAVAILABLE: " + new String(data, StandardCharsets.UTF_8));
    return new String(data, StandardCharsets.UTF_8);
  }
}
