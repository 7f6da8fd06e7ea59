package io.multiverse9.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.WireClient;
import io.multiverse9.support.WireClient.Frame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer's answer is bounded like a client's request (SPEC 1.6): a node with a 256 MiB heap against peers that
 * announce more than {@code limits.max_answer_bytes}, stream a large answer slowly, name keys they were not asked,
 * answer a byte at a time, or close inside a frame. Each costs only that peer's entries; the node keeps serving.
 */
class PeerAnswerBoundsTest {

  static final int AGGREGATE = 3, PING = 5, CREATE = 1;
  static final int OK = 0, FOUND = 0, UNAVAILABLE = 4, UNAVAILABLE_STATUS = 5;
  static final int PEER_TIMEOUT_MS = 1000;
  static final String ASKED = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  static final String NOT_ASKED = "01ARZ3NDEKTSV4RRFFQ69G5FAW";
  static final long MIB = 1024 * 1024;

  @TempDir
  static Path dir;
  static NodeProcess node;
  static String localKey;
  static FakePeer good, announcer, wrongTarget, extraEntry, byteByByte, tooSlow, midFrame, longError;

  @BeforeAll
  static void start() throws IOException {
    good = new FakePeer("127.0.0.1", (keys, out) -> out.write(FakePeer.found(keys, bytes("good"))));
    announcer = new FakePeer("127.0.0.1", PeerAnswerBoundsTest::announce250MiB);
    wrongTarget = new FakePeer("127.0.0.1", (keys, out) -> out.write(FakePeer.found(
      keys.stream().map(k -> NOT_ASKED).toList(), bytes("not yours"))));
    extraEntry = new FakePeer("127.0.0.1", (keys, out) -> out.write(FakePeer.found(
      Stream.concat(keys.stream(), Stream.of(NOT_ASKED)).toList(), bytes("one too many"))));
    byteByByte = new FakePeer("127.0.0.1", (keys, out) -> {
      for (byte b : FakePeer.found(keys, bytes("slow but whole"))) {
        out.write(b);
        out.flush();
      }
    });
    tooSlow = new FakePeer("127.0.0.1", (keys, out) -> {
      for (byte b : FakePeer.found(keys, bytes("too slow"))) {
        out.write(b);
        out.flush();
        Thread.sleep(100); // a peer that trickles: 40-odd bytes take longer than peer_timeout_ms
      }
    });
    midFrame = new FakePeer("127.0.0.1", (keys, out) -> {
      byte[] answer = FakePeer.found(keys, new byte[1000]);
      out.write(answer, 0, answer.length / 2);
      out.flush();
      throw new IOException("closing inside the frame"); // FakePeer closes the socket
    });
    longError = new FakePeer("127.0.0.1", (keys, out) -> {
      byte[] message = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
      out.write(ByteBuffer.allocate(6).putShort((short) UNAVAILABLE_STATUS).putInt(message.length).array());
      out.write(message);
    });
    JsonArray nodes = new JsonArray();
    for (FakePeer peer : peers()) {
      nodes.add(peer.addr());
    }
    node = NodeProcess.start(dir.resolve("node"), settings("node", nodes, new JsonObject()));
    try (WireClient client = new WireClient(node.host(), node.port())) {
      Frame created = client.call(CREATE, "local value");
      assertEquals(OK, created.status(), created.text());
      localKey = created.text();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    for (FakePeer peer : peers()) {
      peer.close();
    }
  }

  static List<FakePeer> peers() {
    return List.of(good, announcer, wrongTarget, extraEntry, byteByByte, tooSlow, midFrame, longError);
  }

  static JsonObject settings(String name, JsonArray nodes, JsonObject limits) {
    return new JsonObject()
      .put("name", name).put("redis_uri", "embedded")
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", nodes)
      .put("data_dir", dir.resolve(name).resolve("data").toString())
      .put("limits", limits.copy().put("peer_timeout_ms", limits.getInteger("peer_timeout_ms", PEER_TIMEOUT_MS)));
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Announces one well-formed 250 MiB entry (under the old 256 MiB cap), then sends it as fast as it is taken. */
  static void announce250MiB(List<String> keys, OutputStream out) throws IOException {
    out.write(FakePeer.oneEntryHeader(keys.get(0), 250 * MIB));
    byte[] chunk = new byte[(int) MIB];
    for (int i = 0; i < 250; i++) {
      out.write(chunk);
    }
  }

  record Entry(int status, String target, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  static List<Entry> aggregate(WireClient client, String... targets) throws IOException {
    Frame reply = client.call(AGGREGATE, String.join("\0", targets));
    assertEquals(OK, reply.status(), reply.text());
    ByteBuffer in = ByteBuffer.wrap(reply.payload());
    List<Entry> entries = new ArrayList<>();
    while (in.hasRemaining()) {
      int status = in.get();
      byte[] target = new byte[in.getShort() & 0xFFFF];
      in.get(target);
      byte[] data = new byte[in.getInt()];
      in.get(data);
      entries.add(new Entry(status, new String(target, StandardCharsets.UTF_8), data));
    }
    assertEquals(targets.length, entries.size());
    return entries;
  }

  static long rssKib(NodeProcess node, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(node.process().pid()), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/<pid>/status");
  }

  static int openFiles(NodeProcess node) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(node.process().pid()), "fd"))) {
      return (int) fds.count();
    }
  }

  /** The local key and a good peer's are served, and PING is answered. */
  static void nodeServes(NodeProcess node, String localKey, FakePeer good) throws IOException {
    try (WireClient client = new WireClient(node.host(), node.port())) {
      assertEquals(OK, client.call(PING, "still there").status());
      List<Entry> entries = aggregate(client, localKey, ASKED + "@" + good.addr());
      assertEquals("local value", entries.get(0).text());
      assertEquals(FOUND, entries.get(1).status());
      assertEquals("good", entries.get(1).text());
    }
  }

  @Test
  void anAnswerAnnouncedOverMaxAnswerBytesIsCutOffFromItsHeaderForFourClientsAtOnce() throws Exception {
    nodeServes(node, localKey, good);
    long peakBefore = rssKib(node, "VmHWM");
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Entry>>> answers = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        answers.add(clients.submit(() -> {
          try (WireClient client = new WireClient(node.host(), node.port())) {
            return aggregate(client, ASKED + "@" + announcer.addr(), localKey);
          }
        }));
      }
      for (Future<List<Entry>> answer : answers) {
        List<Entry> entries = answer.get(30, TimeUnit.SECONDS);
        assertEquals(UNAVAILABLE, entries.get(0).status(), entries.get(0).text());
        assertTrue(entries.get(0).text().contains("limits.max_answer_bytes"), entries.get(0).text());
        assertEquals("local value", entries.get(1).text());
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms < PEER_TIMEOUT_MS, "cut off from the header, not by the timeout: " + ms + " ms");
    } finally {
      clients.shutdownNow();
    }
    Poll.until("the node closes its connections to the announcer", Duration.ofSeconds(15), announcer::open,
      open -> open == 0);
    long grewKib = rssKib(node, "VmHWM") - peakBefore;
    System.out.printf("node VmHWM %d KiB before, grew %d KiB under four 250 MiB announcements%n", peakBefore, grewKib);
    assertTrue(grewKib < 64 * 1024, "the node's peak RSS grew by " + grewKib + " KiB");
    nodeServes(node, localKey, good);
  }

  /**
   * 72 MiB is about the largest answer a 256 MiB heap can relay, since the node's own answer is a second copy of
   * it; read in one piece (grown in 4 MiB steps, then copied out whole) it ran that heap out of memory.
   */
  @Test
  void aLargeAnswerStreamedSlowlyNeverStallsTheOtherClients() throws Exception {
    int size = (int) (72 * MIB);
    byte[] value = new byte[size];
    for (int i = 0; i < size; i++) {
      value[i] = (byte) (i * 31 + 7);
    }
    try (FakePeer streamer = new FakePeer("127.0.0.1", (keys, out) -> {
      out.write(FakePeer.oneEntryHeader(keys.get(0), size));
      int chunk = 256 * 1024;
      for (int at = 0; at < size; at += chunk) {
        out.write(value, at, chunk);
        out.flush();
        Thread.sleep(10); // a slow peer: the answer takes seconds to arrive
      }
    }); NodeProcess big = NodeProcess.start(dir.resolve("big"), settings("big",
      new JsonArray().add(streamer.addr()).add(good.addr()),
      new JsonObject().put("max_answer_bytes", 80 * MIB).put("peer_timeout_ms", 60_000)))) {
      String key;
      try (WireClient client = new WireClient(big.host(), big.port())) {
        key = client.call(CREATE, "local value").text();
      }
      nodeServes(big, key, good);
      AtomicBoolean streamed = new AtomicBoolean();
      ExecutorService others = Executors.newFixedThreadPool(4);
      try {
        List<Future<long[]>> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          served.add(others.submit(keepAsking(big, key, streamed)));
        }
        List<Entry> entries;
        try (WireClient client = new WireClient(big.host(), big.port())) {
          client.socket().setSoTimeout(120_000);
          entries = aggregate(client, ASKED + "@" + streamer.addr());
        } finally {
          streamed.set(true);
        }
        assertEquals(FOUND, entries.get(0).status(), entries.get(0).text());
        assertArrayEquals(value, entries.get(0).data(), "the large answer arrives intact");
        for (Future<long[]> connection : served) {
          long[] countAndWorstMs = connection.get(30, TimeUnit.SECONDS);
          System.out.printf("another connection: %d requests while streaming, slowest %d ms%n",
            countAndWorstMs[0], countAndWorstMs[1]);
          assertTrue(countAndWorstMs[0] >= 10, countAndWorstMs[0] + " requests answered while streaming");
          assertTrue(countAndWorstMs[1] < 1000, "a PING or local AGGREGATE waited " + countAndWorstMs[1] + " ms");
        }
      } finally {
        others.shutdownNow();
      }
    }
  }

  /** PINGs and local AGGREGATEs on a connection of its own until {@code done}: how many, and the slowest in ms. */
  static Callable<long[]> keepAsking(NodeProcess node, String key, AtomicBoolean done) {
    return () -> {
      long count = 0;
      long worst = 0;
      try (WireClient client = new WireClient(node.host(), node.port())) {
        while (!done.get()) {
          long t0 = System.nanoTime();
          assertEquals(OK, client.call(PING, "alive?").status());
          assertEquals("local value", aggregate(client, key).get(0).text());
          worst = Math.max(worst, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          count++;
          Thread.sleep(20);
        }
      }
      return new long[] {count, worst};
    };
  }

  @Test
  void peersThatLieTrickleOrCloseInsideAFrameCostOnlyTheirOwnEntries() throws Exception {
    attackOnce();
    int filesBefore = openFiles(node);
    for (int round = 0; round < 5; round++) {
      attackOnce();
    }
    nodeServes(node, localKey, good);
    int filesAfter = openFiles(node);
    assertTrue(filesAfter <= filesBefore + 8, "open files " + filesBefore + " before, " + filesAfter + " after");
    for (FakePeer closed : List.of(wrongTarget, extraEntry, midFrame, tooSlow)) {
      Poll.until("the node closes its connections to " + closed.addr(), Duration.ofSeconds(15), closed::open,
        open -> open == 0);
    }
  }

  /**
   * A peer's error message becomes the message of each of its entries: a megabyte of it, asked for 4096 targets,
   * was four gigabytes of entries on a 256 MiB node. Only its start is kept.
   */
  @Test
  void aPeersLongErrorMessageIsNotCopiedIntoEachOfItsEntries() throws Exception {
    String[] targets = new String[4096];
    java.util.Arrays.fill(targets, ASKED + "@" + longError.addr());
    try (WireClient client = new WireClient(node.host(), node.port())) {
      for (Entry entry : aggregate(client, targets)) {
        assertEquals(UNAVAILABLE, entry.status(), entry.text());
        assertTrue(entry.data().length < 1200, entry.data().length + " bytes of message");
      }
    }
    nodeServes(node, localKey, good);
  }

  static void attackOnce() throws IOException {
    try (WireClient client = new WireClient(node.host(), node.port())) {
      long t0 = System.nanoTime();
      List<Entry> entries = aggregate(client, ASKED + "@" + wrongTarget.addr(), localKey,
        ASKED + "@" + extraEntry.addr(), ASKED + "@" + byteByByte.addr(), ASKED + "@" + midFrame.addr(),
        ASKED + "@" + tooSlow.addr(), ASKED + "@" + good.addr());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(UNAVAILABLE, entries.get(0).status(), entries.get(0).text());
      assertTrue(entries.get(0).text().contains("where " + ASKED + " was asked"), entries.get(0).text());
      assertEquals("local value", entries.get(1).text());
      assertEquals(UNAVAILABLE, entries.get(2).status(), entries.get(2).text());
      assertTrue(entries.get(2).text().contains("malformed"), entries.get(2).text());
      assertEquals(FOUND, entries.get(3).status(), entries.get(3).text());
      assertEquals("slow but whole", entries.get(3).text());
      assertEquals(UNAVAILABLE, entries.get(4).status(), entries.get(4).text());
      assertTrue(entries.get(4).text().contains("closed"), entries.get(4).text());
      assertEquals(UNAVAILABLE, entries.get(5).status(), entries.get(5).text());
      assertTrue(entries.get(5).text().contains("did not answer within"), entries.get(5).text());
      assertEquals("good", entries.get(6).text());
      assertTrue(ms < PEER_TIMEOUT_MS + 1000, "answered after " + ms + " ms with peer_timeout_ms " + PEER_TIMEOUT_MS);
    }
  }
}
