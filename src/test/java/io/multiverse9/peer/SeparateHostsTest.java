package io.multiverse9.peer;

import static io.multiverse9.peer.FederationTest.AGGREGATE;
import static io.multiverse9.peer.FederationTest.FOUND;
import static io.multiverse9.peer.FederationTest.METADATA;
import static io.multiverse9.peer.FederationTest.OK;
import static io.multiverse9.peer.FederationTest.UNAVAILABLE;
import static io.multiverse9.peer.FederationTest.aggregate;
import static io.multiverse9.peer.FederationTest.client;
import static io.multiverse9.peer.FederationTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.peer.FederationTest.Entry;
import io.multiverse9.support.DelayRelay;
import io.multiverse9.support.NetHosts;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on three hosts of their own (network namespaces joined by a bridge, {@link NetHosts}), each a JVM
 * in its host with its own embedded Redis inside that host (on the host's loopback), listening on the host's
 * address and acknowledging the other two by address. The test talks to them from the root namespace, with each
 * node's token.
 *
 * <p>Host 3 is then cut off (its link down: packets dropped, nothing reset) while clients of host 1 keep asking
 * for local values, for host 2's and for host 3's; then healed. Then host 3's link gets 200 ms of latency (netem
 * where the kernel has it, else a {@link DelayRelay} on the way). Root only: elsewhere the class is skipped with
 * one line saying why.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeparateHostsTest {

  static final int PORT = 7001;
  static final int PEER_TIMEOUT_MS = 1000;
  /** What a bound in time may be late by on two shared cores: scheduling, a GC, ARP. */
  static final int MARGIN_MS = 500;
  static final int CREATE = 1;
  static final int ADDED_LATENCY_MS = 200;

  @TempDir
  static Path dir;
  static NetHosts hosts;
  static DelayRelay relay;
  static final NodeProcess[] nodes = new NodeProcess[4];
  static String keyA, keyB, keyC, keyC2, keyC3;

  static String addr(int host) {
    return hosts.address(host) + ":" + PORT;
  }

  static String token(int host) {
    return "token-" + host;
  }

  static JsonObject settings(int host) {
    JsonArray peers = new JsonArray();
    for (int other = 1; other <= 3; other++) {
      if (other != host) {
        peers.add(addr(other)); // acknowledged by address: the hosts' IPs are their own
      }
    }
    if (host == 1) {
      // host 3 again, through the relay that adds latency where netem cannot; the relay's connections come from the
      // root namespace, so host 3 acknowledges them by its token
      peers.add(new JsonObject().put("addr", relay.addr()).put("token", token(3)));
    }
    return new JsonObject()
      .put("name", "host-" + host).put("redis_uri", "embedded")
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false))
      .put("addr", addr(host)).put("nodes", peers)
      .put("trust_loopback", false)
      .put("auth", new JsonObject().put("token", token(host)))
      .put("data_dir", dir.resolve("host-" + host).resolve("data").toString())
      .put("limits", new JsonObject().put("peer_timeout_ms", PEER_TIMEOUT_MS))
      .put("verticles", new JsonObject().put("node", 1).put("storage", 1).put("peer", 1))
      .put("metrics", new JsonObject().put("addr", hosts.address(host) + ":0"));
  }

  @BeforeAll
  static void startHosts() throws Exception {
    hosts = NetHosts.create(3);
    relay = DelayRelay.start(hosts.bridgeAddress(), hosts.address(3), PORT);
    List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
    for (int host = 1; host <= 3; host++) {
      int h = host;
      starting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return NodeProcess.startWithPrefix(hosts.exec(h), dir.resolve("host-" + h), settings(h));
        } catch (IOException e) {
          throw new IllegalStateException("the node of host " + h + " did not start", e);
        }
      }));
    }
    for (int host = 1; host <= 3; host++) {
      nodes[host] = starting.get(host - 1).join();
    }
  }

  @AfterAll
  static void stopHosts() throws Exception {
    for (NodeProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
    if (relay != null) {
      relay.close();
    }
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  @Order(1)
  void eachHostRunsANodeOnItsOwnAddressFederatedWithTheOthers() throws Exception {
    Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
    for (int host = 1; host <= 3; host++) {
      NodeProcess node = nodes[host];
      assertNotEquals(ours, Files.readSymbolicLink(Path.of("/proc/" + node.process().pid() + "/ns/net")),
        "the node of host " + host + " runs in a network namespace of its own");
      try (WireClient client = client(node, token(host))) {
        JsonObject metadata = new JsonObject(client.call(METADATA, "").text());
        assertEquals(addr(host), metadata.getString("addr"));
        for (int other = 1; other <= 3; other++) {
          if (other != host) {
            assertTrue(metadata.getJsonArray("nodes").contains(addr(other)), metadata.encode());
          }
        }
      }
    }
    keyA = create(nodes[1], token(1), "on host 1");
    keyB = create(nodes[2], token(2), "on host 2");
    keyC = create(nodes[3], token(3), "on host 3");
    keyC2 = create(nodes[3], token(3), "also on host 3");
    keyC3 = create(nodes[3], token(3), "and this one");
    try (WireClient client = client(nodes[1], token(1))) {
      assertEquals(List.of(new Entry(FOUND, keyA, "on host 1"), new Entry(FOUND, keyB + "@" + addr(2), "on host 2"),
          new Entry(FOUND, keyC + "@" + addr(3), "on host 3"), new Entry(FOUND, keyC + "@" + relay.addr(), "on host 3")),
        aggregate(client, keyA, keyB + "@" + addr(2), keyC + "@" + addr(3), keyC + "@" + relay.addr()));
    }
    try (WireClient client = client(nodes[2], token(2))) {
      assertEquals(new Entry(FOUND, keyC + "@" + addr(3), "on host 3"), aggregate(client, keyC + "@" + addr(3)).get(0));
    }
    try (WireClient client = client(nodes[3], token(3))) {
      assertEquals(new Entry(FOUND, keyA + "@" + addr(1), "on host 1"), aggregate(client, keyA + "@" + addr(1)).get(0));
    }
  }

  /** One request's time, in nanoseconds of System.nanoTime, and the phase it was sent in. */
  record Sample(String phase, long sentNanos, long answeredNanos, int entryStatus) {
    long millis() {
      return (answeredNanos - sentNanos) / 1_000_000;
    }
  }

  @Test
  @Order(2)
  void aPartitionedPeerIsUnavailableWithinPeerTimeoutAndTheRestIsServedThroughout() throws Exception {
    AtomicReference<String> phase = new AtomicReference<>("warm-up");
    AtomicReference<Boolean> running = new AtomicReference<>(true);
    List<Sample> local = new CopyOnWriteArrayList<>();
    List<Sample> otherPeer = new CopyOnWriteArrayList<>();
    List<Sample> cutOff = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    String targetB = keyB + "@" + addr(2);
    String targetC = keyC + "@" + addr(3);
    List<Thread> load = List.of(
      worker("local", running, failures, client -> {
        long sent = System.nanoTime();
        String p = phase.get();
        WireClient.Frame created = client.call(CREATE, "written while host 3 may be cut off");
        long mid = System.nanoTime();
        assertEquals(OK, created.status(), created.text());
        local.add(new Sample(p, sent, mid, FOUND));
        List<Entry> read = aggregate(client, keyA);
        local.add(new Sample(p, mid, System.nanoTime(), read.get(0).status()));
        assertEquals(FOUND, read.get(0).status(), read.get(0).data());
      }),
      worker("other peer", running, failures, client -> {
        long sent = System.nanoTime();
        String p = phase.get();
        List<Entry> read = aggregate(client, keyA, targetB);
        otherPeer.add(new Sample(p, sent, System.nanoTime(), read.get(1).status()));
        assertEquals(FOUND, read.get(0).status(), read.get(0).data());
        assertEquals(FOUND, read.get(1).status(), "host 2's entry: " + read.get(1).data());
      }),
      worker("cut-off peer", running, new CopyOnWriteArrayList<>(), client -> {
        long sent = System.nanoTime();
        String p = phase.get();
        List<Entry> read = aggregate(client, targetC);
        cutOff.add(new Sample(p, sent, System.nanoTime(), read.get(0).status()));
      }));
    load.forEach(Thread::start);
    int metricsPort = nodes[1].metricsPort();
    long pid = nodes[1].process().pid();
    try {
      // the JVMs' first requests are slow (JIT, first connections): not counted
      await(() -> count(local, "warm-up") >= 1000 && count(otherPeer, "warm-up") >= 300, 20_000, "warm-up");
      phase.set("before");
      await(() -> count(local, "before") >= 400 && count(cutOff, "before") >= 100, 20_000,
        "load before the partition");
      long connectionsBefore = peerConnections(metricsPort, addr(3));
      long fdsBefore = openFiles(pid);
      long bufferedBefore = gauge(metricsPort, "mv9_buffered_bytes");

      hosts.partition(3);
      long cut = System.nanoTime();
      phase.set("during");
      // a new connection pipelining 64 requests for host 3's entry at once: all UNAVAILABLE, the first within the peer
      // timeout, the others within two (the connection's first AGGREGATE naming a peer runs alone: SPEC 1.6)
      long burstMs;
      try (WireClient burst = client(nodes[1], token(1))) {
        byte[] frame = WireClient.frame(AGGREGATE, targetC);
        long start = System.nanoTime();
        for (int i = 0; i < 64; i++) {
          burst.write(frame);
        }
        for (int i = 0; i < 64; i++) {
          WireClient.Frame answer = burst.readFrame();
          assertEquals(OK, answer.status(), answer.text());
          assertEquals(UNAVAILABLE, ByteBuffer.wrap(answer.payload()).get(), "host 3's entry while it is cut off");
        }
        burstMs = (System.nanoTime() - start) / 1_000_000;
      }
      long connectionsMax = connectionsBefore;
      long fdsMax = fdsBefore;
      long bufferedMax = bufferedBefore;
      // four peer timeouts cut off, the gauges read every 200 ms
      while (System.nanoTime() - cut < 4L * PEER_TIMEOUT_MS * 1_000_000) {
        connectionsMax = Math.max(connectionsMax, peerConnections(metricsPort, addr(3)));
        fdsMax = Math.max(fdsMax, openFiles(pid));
        bufferedMax = Math.max(bufferedMax, gauge(metricsPort, "mv9_buffered_bytes"));
        Thread.sleep(200); // the sampling period of the gauges, not a wait for anything
      }
      long fdsAtEnd = openFiles(pid);
      long connectionsAtEnd = peerConnections(metricsPort, addr(3));

      // a client asking for host 3's entry from the moment it is plugged back in, until it is FOUND
      long healed;
      long healMs;
      int askedAfterHeal = 0;
      try (WireClient probe = client(nodes[1], token(1))) {
        hosts.heal(3);
        healed = System.nanoTime();
        phase.set("after");
        do {
          assertTrue(askedAfterHeal++ < 100, "host 3 not served again after healing");
        } while (aggregate(probe, targetC).get(0).status() != FOUND);
        healMs = (System.nanoTime() - healed) / 1_000_000;
      }
      long afterHeal = System.nanoTime();
      await(() -> local.stream().filter(s -> s.sentNanos() >= afterHeal).count() >= 200, 20_000, "load after");
      running.set(false);
      for (Thread t : load) {
        t.join(30_000);
      }

      // requests for host 3 sent while it was cut off: every one UNAVAILABLE, each within the peer timeout
      List<Sample> whileCut = cutOff.stream().filter(s -> s.sentNanos() >= cut && s.sentNanos() < healed).toList();
      long firstUnavailableMs = (cutOff.stream()
        .filter(s -> s.answeredNanos() >= cut && s.entryStatus() == UNAVAILABLE)
        .mapToLong(Sample::answeredNanos).min().orElseThrow() - cut) / 1_000_000;
      long slowestCutMs = whileCut.stream().mapToLong(Sample::millis).max().orElseThrow();
      double p99Before = p99(local, "before");
      double p99During = p99(local, "during");
      double p99After = p99(local, "after");
      double p99OtherBefore = p99(otherPeer, "before");
      double p99OtherDuring = p99(otherPeer, "during");
      System.out.printf("partition of host 3 (peer_timeout_ms %d): first UNAVAILABLE %d ms after the cut, slowest "
          + "answer for it while cut %d ms (%d requests), 64 pipelined answered in %d ms; served again %d ms after "
          + "healing (%d asked)%n", PEER_TIMEOUT_MS, firstUnavailableMs, slowestCutMs, whileCut.size(), burstMs, healMs,
        askedAfterHeal);
      System.out.printf("local requests p99 before %.1f ms (%d), during %.1f ms (%d), after %.1f ms (%d); host 2's "
          + "entries p99 before %.1f ms, during %.1f ms%n", p99Before, count(local, "before"), p99During,
        count(local, "during"), p99After, count(local, "after"), p99OtherBefore, p99OtherDuring);
      System.out.printf("host 1 while host 3 was cut off: connections to host 3 %d before, at most %d, %d at the "
          + "end; open files %d before, at most %d, %d at the end; mv9_buffered_bytes %d before, at most %d%n",
        connectionsBefore, connectionsMax, connectionsAtEnd, fdsBefore, fdsMax, fdsAtEnd, bufferedBefore,
        bufferedMax);

      assertEquals(List.of(), failures, "local requests and host 2's entries served throughout");
      assertTrue(whileCut.size() >= 3, "requests for host 3 were answered while it was cut off: " + whileCut.size());
      assertTrue(whileCut.stream().allMatch(s -> s.entryStatus() == UNAVAILABLE),
        "host 3's entry is UNAVAILABLE while it is cut off");
      assertTrue(firstUnavailableMs <= PEER_TIMEOUT_MS + MARGIN_MS, "UNAVAILABLE after " + firstUnavailableMs + " ms");
      assertTrue(slowestCutMs <= PEER_TIMEOUT_MS + MARGIN_MS, "an answer for host 3 took " + slowestCutMs + " ms");
      assertTrue(burstMs <= 2 * PEER_TIMEOUT_MS + MARGIN_MS, "64 pipelined took " + burstMs + " ms");
      assertTrue(p99During < PEER_TIMEOUT_MS / 2.0, "local p99 while host 3 is cut off: " + p99During + " ms");
      assertTrue(p99OtherDuring < PEER_TIMEOUT_MS / 2.0, "host 2's p99 while host 3 is cut off: " + p99OtherDuring);
      assertTrue(connectionsMax <= PeerPool.MAX_CONNECTIONS, "connections to host 3: at most " + connectionsMax);
      assertTrue(fdsAtEnd <= fdsBefore + 2, "open files grew from " + fdsBefore + " to " + fdsAtEnd);
      assertTrue(bufferedMax < 1 << 20, "mv9_buffered_bytes reached " + bufferedMax);
      assertTrue(healMs <= PEER_TIMEOUT_MS + MARGIN_MS, "host 3 served again " + healMs + " ms after healing");
    } finally {
      running.set(false);
      hosts.heal(3);
    }
  }

  @Test
  @Order(3)
  void aggregatesThroughAPeerWith200MsMoreLatencyAreSlowerByThatAndNoMore() throws Exception {
    // AGGREGATEs naming three keys of host 3 and one local key: one request to host 3, so the latency counts once
    String direct = addr(3);
    String relayed = relay.addr();
    try (WireClient client = client(nodes[1], token(1))) {
      double localBefore = median(client, 30, keyA);
      double directBefore = median(client, 30, throughPeer(direct));
      double relayedBefore = median(client, 30, throughPeer(relayed));
      boolean netem = hosts.delay(3, ADDED_LATENCY_MS);
      String how;
      double before;
      double after;
      double localDuring;
      try {
        if (netem) {
          how = "tc netem delay on host 3's link";
          before = directBefore;
          after = median(client, 20, throughPeer(direct));
        } else {
          how = "a relay holding host 3's answers (this kernel has no netem)";
          relay.delay(ADDED_LATENCY_MS);
          before = relayedBefore;
          after = median(client, 20, throughPeer(relayed));
        }
        localDuring = median(client, 30, keyA);
      } finally {
        relay.delay(0);
        if (netem) {
          hosts.undelay(3);
        }
      }
      double added = after - before;
      System.out.printf("%d ms added by %s: AGGREGATE of 3 keys on host 3 + 1 local, median %.1f ms before, %.1f ms "
          + "after (+%.1f ms); local-only median %.1f ms before, %.1f ms during%n", ADDED_LATENCY_MS, how, before,
        after, added, localBefore, localDuring);
      assertTrue(added >= ADDED_LATENCY_MS * 0.75 && added <= ADDED_LATENCY_MS * 2, "added " + added + " ms");
      assertTrue(localDuring < ADDED_LATENCY_MS / 4.0, "local-only requests slowed to " + localDuring + " ms");
    }
  }

  private String[] throughPeer(String peer) {
    return new String[] {keyC + "@" + peer, keyA, keyC2 + "@" + peer, keyC3 + "@" + peer};
  }

  /** The median time of {@code times} AGGREGATEs of {@code targets}, each checked FOUND, after two not counted. */
  private static double median(WireClient client, int times, String... targets) throws IOException {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < times + 2; i++) {
      long start = System.nanoTime();
      List<Entry> entries = aggregate(client, targets);
      long took = System.nanoTime() - start;
      for (Entry e : entries) {
        assertEquals(FOUND, e.status(), e.target() + ": " + e.data());
      }
      if (i >= 2) {
        ms.add(took / 1e6);
      }
    }
    Collections.sort(ms);
    return ms.get(ms.size() / 2);
  }

  interface Step {
    void run(WireClient client) throws Exception;
  }

  /** A closed loop of {@code step} on one connection of host 1 until {@code running} is false; failures noted. */
  private static Thread worker(String name, AtomicReference<Boolean> running, List<String> failures, Step step) {
    Thread thread = new Thread(() -> {
      try (WireClient client = client(nodes[1], token(1))) {
        while (running.get()) {
          try {
            step.run(client);
          } catch (AssertionError e) {
            failures.add(name + ": " + e.getMessage());
          }
        }
      } catch (Exception e) {
        failures.add(name + ": " + e);
      }
    }, "load-" + name);
    thread.setDaemon(true);
    return thread;
  }

  private static long count(List<Sample> samples, String phase) {
    return samples.stream().filter(s -> s.phase().equals(phase)).count();
  }

  private static double p99(List<Sample> samples, String phase) {
    double[] ms = samples.stream().filter(s -> s.phase().equals(phase))
      .mapToDouble(s -> (s.answeredNanos() - s.sentNanos()) / 1e6).sorted().toArray();
    return ms.length == 0 ? Double.NaN : ms[(int) Math.ceil(ms.length * 0.99) - 1];
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition, long timeoutMs, String what) throws Exception {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!condition.holds()) {
      assertTrue(System.nanoTime() < deadline, what + ": not within " + timeoutMs + " ms");
      Thread.sleep(20); // polling the condition, bounded by the deadline
    }
  }

  private static long openFiles(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  /** One client, so that reading the gauges holds one connection to the node, not one more per reading. */
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String metrics(int port) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
        URI.create("http://" + hosts.address(1) + ":" + port + "/metrics")).build(),
      HttpResponse.BodyHandlers.ofString()).body();
  }

  private static long gauge(int port, String name) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics(port));
    assertTrue(m.find(), name + " is not in /metrics");
    return (long) Double.parseDouble(m.group(1));
  }

  /** mv9_peer_connections for {@code peer}; 0 before the gauge exists. */
  private static long peerConnections(int port, String peer) throws Exception {
    Matcher m = Pattern.compile("(?m)^mv9_peer_connections\\{[^}]*peer=\"" + Pattern.quote(peer) + "\"[^}]*} (\\S+)$")
      .matcher(metrics(port));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}
