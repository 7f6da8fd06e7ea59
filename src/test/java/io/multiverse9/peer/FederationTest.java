package io.multiverse9.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.WireClient;
import io.multiverse9.support.WireClient.Frame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in three JVMs on 127.0.0.2, .3 and .4, each with its own embedded Redis, none trusting loopback,
 * so that every permission decision rests on the remote IP or a token (SPEC 1.3 and 3).
 *
 * <p>A lists B by address and C with C's token; B lists A and C, but with a wrong token for C; C lists nobody
 * and lets in only its token. A also lists "silent" (127.0.0.6), a listener that accepts and never answers, and
 * "keeper" (127.0.0.8), a peer that answers each key with the token its connection authenticated with.
 */
class FederationTest {

  static final int CREATE = 1, AGGREGATE = 3, METADATA = 4, PING = 5, AUTH = 6;
  static final int OK = 0, FORBIDDEN = 3;
  static final int FOUND = 0, NOT_FOUND = 1, E_FORBIDDEN = 3, UNAVAILABLE = 4;
  static final int PEER_TIMEOUT_MS = 1000;

  @TempDir
  static Path dir;
  static NodeProcess a, b, c;
  static JsonObject settingsC;
  static ServerSocket silent;
  static ServerSocket unlisted;
  static ServerSocket garbage;
  static ServerSocket keeper;
  static JsonObject settingsA;
  /** Completed when the node closes a connection to keeper that authenticated with the key's token. */
  static final Map<String, CompletableFuture<Boolean>> keeperClosedConnectionWith = new ConcurrentHashMap<>();
  static final CompletableFuture<Boolean> garbageConnectionClosedByNode = new CompletableFuture<>();
  static final CompletableFuture<InetAddress> silentSawConnectionFrom = new CompletableFuture<>();

  static JsonObject settings(String name, String addr, String token, JsonArray nodes) {
    return new JsonObject()
      .put("name", name).put("redis_uri", "embedded").put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false))
      .put("addr", addr).put("nodes", nodes)
      .put("trust_loopback", false)
      .put("auth", new JsonObject().put("token", token))
      .put("data_dir", dir.resolve(name).resolve("data").toString())
      .put("limits", new JsonObject().put("peer_timeout_ms", PEER_TIMEOUT_MS))
      .put("verticles", new JsonObject().put("node", 1).put("storage", 1));
  }

  @BeforeAll
  static void startNetwork() throws Exception {
    silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.6"));
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket s = silent.accept(); // never answers, never closes
          silentSawConnectionFrom.complete(s.getInetAddress());
        }
      } catch (IOException closed) {
        // the test is over
      }
    }, "silent-peer");
    acceptor.setDaemon(true);
    acceptor.start();
    garbage = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.7"));
    Thread liar = new Thread(FederationTest::answerGarbage, "garbage-peer");
    liar.setDaemon(true);
    liar.start();
    unlisted = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.5"));
    unlisted.setSoTimeout(300);
    keeper = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.8"));
    Thread keeperAcceptor = new Thread(FederationTest::keep, "keeper-peer");
    keeperAcceptor.setDaemon(true);
    keeperAcceptor.start();

    String addrSilent = "127.0.0.6:" + silent.getLocalPort();
    String addrGarbage = "127.0.0.7:" + garbage.getLocalPort();
    // C lists nobody, so it takes a port of the system's choosing, and B then A name the port it bound. A and B
    // list each other: one of them has to be named before it starts, so A alone keeps a port found free before
    c = start("node-c", settings("node-c", "127.0.0.4:0", "token-c", new JsonArray()));
    // C comes back on the same address in aKilledPeerTurnsOnlyItsEntriesUnavailable
    settingsC = settings("node-c", c.addr(), "token-c", new JsonArray());
    String addrA = "127.0.0.2:" + NodeProcess.freePort("127.0.0.2");
    b = start("node-b", settings("node-b", "127.0.0.3:0", "token-b", new JsonArray().add(addrA)
      .add(new JsonObject().put("addr", c.addr()).put("token", "not-token-c"))));
    settingsA = settings("node-a", addrA, "token-a", new JsonArray().add(b.addr())
      .add(new JsonObject().put("addr", c.addr()).put("token", "token-c")).add(addrSilent).add(addrGarbage)
      .add(new JsonObject().put("addr", keeperAddr()).put("token", "first-secret")))
      .put("config_scan_ms", 200);
    a = start("node-a", settingsA);
  }

  /** A peer that answers every request with a frame that is not an AGGREGATE answer. */
  static void answerGarbage() {
    try (Socket s = garbage.accept()) {
      s.getInputStream().read(new byte[6]);
      // OK with a 5-byte payload that cannot be an entry for the key asked
      s.getOutputStream().write(new byte[] {0, 0, 0, 0, 0, 5, 9, 9, 9, 9, 9});
      s.getOutputStream().flush();
      byte[] rest = new byte[65536];
      while (s.getInputStream().read(rest) >= 0) {
        // read until the node closes the connection
      }
      garbageConnectionClosedByNode.complete(true);
    } catch (IOException e) {
      garbageConnectionClosedByNode.complete(true); // a reset is a close too
    }
  }

  static String keeperAddr() {
    return "127.0.0.8:" + keeper.getLocalPort();
  }

  /** Keeper: AUTH with any token is OK; each key of an AGGREGATE is FOUND with "via " and that token. */
  static void keep() {
    try {
      while (true) {
        Socket s = keeper.accept();
        Thread connection = new Thread(() -> keepConnection(s), "keeper-connection");
        connection.setDaemon(true);
        connection.start();
      }
    } catch (IOException closed) {
      // the test is over
    }
  }

  static void keepConnection(Socket s) {
    String token = null;
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      while (true) {
        int opcode = in.readUnsignedShort();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        ByteBuffer answer;
        if (opcode == AUTH) {
          token = new String(payload, StandardCharsets.UTF_8);
          answer = ByteBuffer.allocate(0);
        } else {
          byte[] data = ("via " + token).getBytes(StandardCharsets.UTF_8);
          String[] keys = new String(payload, StandardCharsets.ISO_8859_1).split("\0");
          answer = ByteBuffer.allocate(keys.length * (7 + 26 + data.length));
          for (String key : keys) {
            answer.put((byte) FOUND).putShort((short) key.length()).put(key.getBytes(StandardCharsets.ISO_8859_1))
              .putInt(data.length).put(data);
          }
        }
        out.writeShort(OK);
        out.writeInt(answer.position());
        out.write(answer.array(), 0, answer.position());
        out.flush();
      }
    } catch (IOException closedByTheNode) {
      keeperClosedConnectionWith.computeIfAbsent(String.valueOf(token), t -> new CompletableFuture<>()).complete(true);
    }
  }

  /** A node at debug level, so that tokensNeverAppearInLogs reads all that the node could log. */
  static NodeProcess start(String name, JsonObject settings) throws IOException {
    return NodeProcess.start(dir.resolve(name), settings, "-d");
  }

  @AfterAll
  static void stopNetwork() throws Exception {
    for (NodeProcess node : new NodeProcess[] {a, b, c}) {
      if (node != null) {
        node.close();
      }
    }
    silent.close();
    unlisted.close();
    garbage.close();
    keeper.close();
    // C was killed with SIGKILL, so its embedded redis-server outlived it
    NodeProcess.stopLeftoverRedis(dir.resolve("node-c").resolve("data"));
  }

  /** A client of {@code node}, authenticated with its token. */
  static WireClient client(NodeProcess node, String token) throws IOException {
    WireClient client = new WireClient(node.host(), node.port());
    assertEquals(OK, client.call(AUTH, token).status());
    return client;
  }

  static String create(NodeProcess node, String token, String value) throws IOException {
    try (WireClient client = client(node, token)) {
      Frame reply = client.call(CREATE, value);
      assertEquals(OK, reply.status(), reply.text());
      return reply.text();
    }
  }

  record Entry(int status, String target, String data) {
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
      entries.add(new Entry(status, new String(target, StandardCharsets.UTF_8), new String(data, StandardCharsets.UTF_8)));
    }
    assertEquals(targets.length, entries.size());
    for (int i = 0; i < targets.length; i++) {
      assertEquals(targets[i], entries.get(i).target(), "entries in request order, targets as sent");
    }
    return entries;
  }

  @Test
  void aggregateGathersValuesFromThreeNodes() throws Exception {
    String ka = create(a, "token-a", "from a");
    String kb = create(b, "token-b", "from b");
    String kc = create(c, "token-c", "from c");
    String missing = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    try (WireClient client = client(a, "token-a")) {
      List<Entry> entries = aggregate(client, ka, kb + "@" + b.addr(), kc + "@" + c.addr(),
        missing + "@" + b.addr(), kb.toLowerCase() + "@" + b.addr(), ka + "@" + a.addr());
      assertEquals(new Entry(FOUND, ka, "from a"), entries.get(0));
      assertEquals(new Entry(FOUND, kb + "@" + b.addr(), "from b"), entries.get(1));
      assertEquals(new Entry(FOUND, kc + "@" + c.addr(), "from c"), entries.get(2), "A reaches C with C's token");
      assertEquals(NOT_FOUND, entries.get(3).status());
      assertEquals(new Entry(FOUND, kb.toLowerCase() + "@" + b.addr(), "from b"), entries.get(4));
      assertEquals(new Entry(FOUND, ka + "@" + a.addr(), "from a"), entries.get(5), "its own address is local");
    }
    try (WireClient client = client(b, "token-b")) {
      List<Entry> fromB = aggregate(client, ka + "@" + a.addr(), kc + "@" + c.addr());
      assertEquals(new Entry(FOUND, ka + "@" + a.addr(), "from a"), fromB.get(0), "B reaches A by address");
      assertEquals(E_FORBIDDEN, fromB.get(1).status(), "C refuses B's wrong token: " + fromB.get(1));
      assertTrue(fromB.get(1).data().contains("refused"), fromB.get(1).data());
    }
  }

  @Test
  void anUnlistedAddressIsForbiddenAndNeverConnectedTo() throws Exception {
    String target = "01ARZ3NDEKTSV4RRFFQ69G5FAV@127.0.0.5:" + unlisted.getLocalPort();
    try (WireClient client = client(a, "token-a")) {
      Entry entry = aggregate(client, target).get(0);
      assertEquals(E_FORBIDDEN, entry.status());
      assertTrue(entry.data().contains("not an acknowledged node"), entry.data());
    }
    // the answer is in: any connection attempt would have been made before it
    try (Socket s = unlisted.accept()) {
      throw new AssertionError("the node connected to an address its operator did not list: " + s);
    } catch (SocketTimeoutException expected) {
      // nobody came
    }
  }

  @Test
  void aPeerThatNeverAnswersCostsOnlyItsOwnEntriesAndOnlyTheTimeout() throws Exception {
    String ka = create(a, "token-a", "still here");
    try (WireClient client = client(a, "token-a")) {
      long t0 = System.nanoTime();
      List<Entry> entries = aggregate(client, ka, "01ARZ3NDEKTSV4RRFFQ69G5FAV@127.0.0.6:" + silent.getLocalPort());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(new Entry(FOUND, ka, "still here"), entries.get(0));
      assertEquals(UNAVAILABLE, entries.get(1).status(), entries.get(1).toString());
      assertTrue(ms < PEER_TIMEOUT_MS + 3000, "answered after " + ms + " ms with peer_timeout_ms " + PEER_TIMEOUT_MS);
    }
    assertEquals(InetAddress.getByName("127.0.0.2"), silentSawConnectionFrom.get(5, TimeUnit.SECONDS),
      "outgoing peer connections come from the host of the node's addr");
  }

  /**
   * A new connection's first AGGREGATE naming a peer runs alone (its answer's size is not known yet), the ones
   * pipelined behind it wait for it: a peer that never answers must not make them run one at a time, each waiting
   * out the timeout (before: 16 pipelined took 16 peer timeouts).
   */
  @Test
  void aggregatesPipelinedToAPeerThatNeverAnswersFailWithinTwoTimeoutsNotOneEach() throws Exception {
    String target = "01ARZ3NDEKTSV4RRFFQ69G5FAV@127.0.0.6:" + silent.getLocalPort();
    try (WireClient client = client(a, "token-a")) {
      byte[] frame = WireClient.frame(AGGREGATE, target);
      long t0 = System.nanoTime();
      for (int i = 0; i < 16; i++) {
        client.write(frame);
      }
      for (int i = 0; i < 16; i++) {
        Frame answer = client.readFrame();
        assertEquals(OK, answer.status(), answer.text());
        assertEquals(UNAVAILABLE, answer.payload()[0], "entry " + i);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("16 pipelined AGGREGATEs naming a peer that never answers: all answered in " + ms + " ms");
      assertTrue(ms < 2 * PEER_TIMEOUT_MS + 1000, "answered after " + ms + " ms with peer_timeout_ms "
        + PEER_TIMEOUT_MS);
    }
  }

  @Test
  void aPeerThatAnswersGarbageIsUnavailableAndItsConnectionClosed() throws Exception {
    String ka = create(a, "token-a", "fine");
    try (WireClient client = client(a, "token-a")) {
      List<Entry> entries = aggregate(client, "01ARZ3NDEKTSV4RRFFQ69G5FAV@127.0.0.7:" + garbage.getLocalPort(), ka);
      assertEquals(UNAVAILABLE, entries.get(0).status(), entries.get(0).toString());
      assertTrue(entries.get(0).data().contains("malformed"), entries.get(0).data());
      assertEquals(new Entry(FOUND, ka, "fine"), entries.get(1));
    }
    assertTrue(garbageConnectionClosedByNode.get(10, TimeUnit.SECONDS), "the node closed the pooled connection");
  }

  @Test
  void strangersAreRefusedUnlessListedOrAuthenticated() throws Exception {
    try (WireClient stranger = a.connectFrom("127.0.0.9")) {
      assertEquals(FORBIDDEN, stranger.call(CREATE, "x").status());
      assertEquals(FORBIDDEN, stranger.call(METADATA, "").status());
      assertEquals(FORBIDDEN, stranger.call(AGGREGATE, "01ARZ3NDEKTSV4RRFFQ69G5FAV").status());
      assertEquals(OK, stranger.call(PING, "p").status(), "PING is always allowed");
      assertEquals(FORBIDDEN, stranger.call(AUTH, "token-b").status(), "another node's token is wrong here");
      assertEquals(FORBIDDEN, stranger.call(CREATE, "x").status());
      assertEquals(OK, stranger.call(AUTH, "token-a").status());
      assertEquals(OK, stranger.call(CREATE, "x").status(), "a correct AUTH acknowledges the connection");
    }
    try (WireClient fromB = a.connectFrom("127.0.0.3")) {
      assertEquals(OK, fromB.call(CREATE, "x").status(), "the IP of a nodes entry is acknowledged");
    }
    try (WireClient fromC = a.connectFrom("127.0.0.4")) {
      assertEquals(OK, fromC.call(METADATA, "").status(), "C is listed in A's nodes");
    }
    try (WireClient fromA = c.connectFrom("127.0.0.2")) {
      assertEquals(FORBIDDEN, fromA.call(CREATE, "x").status(), "C lists nobody");
    }
  }

  /**
   * The nodes log at debug level, and the check first makes sure it reads the lines where a token would show:
   * each start line (the settings the node runs on), and B's AUTH to C that C refused (B sent C the wrong token).
   */
  @Test
  void tokensNeverAppearInLogs() throws Exception {
    // B holds the wrong token for C: its AUTH is refused, and the refusal is logged where a token would show
    try (WireClient client = client(b, "token-b")) {
      assertEquals(E_FORBIDDEN, aggregate(client, "01ARZ3NDEKTSV4RRFFQ69G5FAV@" + c.addr()).get(0).status());
    }
    Poll.until("B logs C's refusal of its AUTH", Duration.ofSeconds(10), () -> b.output().stream()
      .anyMatch(line -> line.contains("closing connection to " + c.addr()) && line.contains("AUTH refused")),
      b::output);
    for (NodeProcess node : new NodeProcess[] {a, b, c}) {
      List<String> output = node.output();
      assertTrue(output.stream().anyMatch(line -> line.contains("listening on " + node.addr())),
        "the start line: " + output);
      assertTrue(output.stream().anyMatch(line -> line.contains(" DEBUG ")), "debug records: " + output);
    }
    assertTrue(b.output().stream().anyMatch(line -> line.contains("closing connection to " + c.addr())
      && line.contains("AUTH refused")), "B's refused AUTH to C: " + b.output());
    for (NodeProcess node : new NodeProcess[] {a, b, c}) {
      for (String line : node.output()) {
        assertTrue(!line.contains("token-"), "a token in the log: " + line);
      }
    }
  }

  @Test
  void aKilledPeerTurnsOnlyItsEntriesUnavailable() throws Exception {
    String ka = create(a, "token-a", "survivor");
    String kc = create(c, "token-c", "kept on C");
    try (WireClient client = client(a, "token-a")) {
      assertEquals(FOUND, aggregate(client, kc + "@" + c.addr()).get(0).status(), "the pool is warm");
      c.kill();
      long t0 = System.nanoTime();
      List<Entry> entries = aggregate(client, ka, kc + "@" + c.addr(), ka);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(new Entry(FOUND, ka, "survivor"), entries.get(0));
      assertEquals(UNAVAILABLE, entries.get(1).status(), entries.get(1).toString());
      assertEquals(new Entry(FOUND, ka, "survivor"), entries.get(2));
      assertTrue(ms < PEER_TIMEOUT_MS + 3000, "answered after " + ms + " ms");

      // C comes back on the same address and data: the pool opens a new connection and C's value is there
      c = NodeProcess.start(dir.resolve("node-c-again"), settingsC, "-d");
      Entry again = Poll.until("A reaches C again", Duration.ofSeconds(20),
        () -> aggregate(client, kc + "@" + c.addr()).get(0), entry -> entry.status() == FOUND);
      assertEquals(new Entry(FOUND, kc + "@" + c.addr(), "kept on C"), again);
    }
  }

  /** Replaces A's settings file at once, so that no scan reads it half written. */
  static void rewriteSettingsA(JsonObject settings) throws IOException {
    Path file = dir.resolve("node-a").resolve("settings.json");
    Path next = dir.resolve("node-a").resolve("settings.next");
    Files.writeString(next, settings.encodePrettily());
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static JsonObject settingsAWithKeeper(JsonObject keeperEntry) {
    JsonObject next = settingsA.copy();
    JsonArray nodes = new JsonArray();
    for (Object node : next.getJsonArray("nodes")) {
      boolean isKeeper = node instanceof JsonObject o && keeperAddr().equals(o.getString("addr"));
      if (!isKeeper) {
        nodes.add(node);
      }
    }
    if (keeperEntry != null) {
      nodes.add(keeperEntry);
    }
    return next.put("nodes", nodes);
  }

  /** What A answers for the keeper's value, polled until A's settings about the keeper have applied. */
  static Entry pollKeeper(WireClient client, String what, Predicate<Entry> done) throws Exception {
    return Poll.until(what, Duration.ofSeconds(20),
      () -> aggregate(client, "01ARZ3NDEKTSV4RRFFQ69G5FAV@" + keeperAddr()).get(0), done);
  }

  @Test
  void aPeerWhoseTokenChangedIsReachedWithTheNewOneAndOneRemovedIsNoLongerConnected() throws Exception {
    rewriteSettingsA(settingsA); // as it started, whatever ran before: keeper listed with its first token
    try (WireClient client = client(a, "token-a")) {
      assertEquals("via first-secret", pollKeeper(client, "A reaches the keeper", e -> e.status() == FOUND).data());

      rewriteSettingsA(settingsAWithKeeper(new JsonObject().put("addr", keeperAddr()).put("token", "second-secret")));
      pollKeeper(client, "A reaches the keeper with its new token", e -> e.data().equals("via second-secret"));
      assertTrue(keeperClosedConnectionWith.computeIfAbsent("first-secret", t -> new CompletableFuture<>())
        .get(10, TimeUnit.SECONDS), "the connection made with the old token is closed");

      rewriteSettingsA(settingsAWithKeeper(null));
      Entry refused = pollKeeper(client, "the keeper refuses A", e -> e.status() == E_FORBIDDEN);
      assertTrue(refused.data().contains("not an acknowledged node"), refused.data());
      assertTrue(keeperClosedConnectionWith.computeIfAbsent("second-secret", t -> new CompletableFuture<>())
        .get(10, TimeUnit.SECONDS), "the connection to a peer removed from nodes is closed");
    } finally {
      rewriteSettingsA(settingsA);
    }
  }
}
