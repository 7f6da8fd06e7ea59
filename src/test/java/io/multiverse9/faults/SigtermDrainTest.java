package io.multiverse9.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.multiverse9.storage.RedisServerProcess;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM in the middle of pipelined CREATEs (SPEC 5): the node stops reading, answers every request it had read,
 * storage included, and exits 0. An answer of UNAVAILABLE here means storage went away under requests still in
 * flight; a SET in Redis without an answer means a request was dropped.
 */
class SigtermDrainTest {

  static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+),");
  static final int CONNECTIONS = 4;
  static final int CREATES_EACH = 5_000;

  @TempDir
  Path dir;

  JsonObject settings() {
    return new JsonObject().put("name", "multiverse9_drain_test").put("redis_uri", "embedded").put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", new JsonArray())
      .put("data_dir", dir.resolve("data").toString());
  }

  @Test
  void sigtermUnderRunAnswersEveryRequestItReadOkAndExitsZero() throws Exception {
    Path file = dir.resolve("settings.json");
    Files.writeString(file, settings().encode());
    Process node = NodeProcess.java(dir, "run", "-s", file.toString());
    List<String> output = new ArrayList<>();
    int answered = underPipelinedCreates(node, output, SigtermDrainTest::sigterm);
    assertEquals(0, node.exitValue(), "SIGTERM drains and exits 0: " + output);
    assertEquals(setsInTheAppendOnlyFile(), answered, "every CREATE that reached Redis was answered");
  }

  @Test
  void sigtermUnderTheVertxLauncherAnswersEveryRequestItReadOk() throws Exception {
    Process node = NodeProcess.java(dir, "-conf", settings().encode());
    int answered = underPipelinedCreates(node, new ArrayList<>(), SigtermDrainTest::sigterm);
    // under the launcher the JVM ends through its shutdown hooks, whose exit code for SIGTERM is 143
    assertEquals(setsInTheAppendOnlyFile(), answered, "every CREATE that reached Redis was answered");
  }

  /**
   * Ctrl-C in a terminal sends SIGINT to the whole foreground process group, the embedded redis-server included
   * unless it runs in a session of its own: it must not die under the drain, nor be reported dead and restarted.
   */
  @Test
  void ctrlCInATerminalDrainsLikeSigtermAndTheEmbeddedRedisIsNotCaughtInIt() throws Exception {
    Path file = dir.resolve("settings.json");
    Files.writeString(file, settings().encode());
    // setsid makes the node the leader of a process group, as a shell does for a command it runs
    List<String> command = new ArrayList<>(List.of("setsid"));
    command.addAll(NodeProcess.javaCommand("run", "-s", file.toString()));
    Process node = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    int answered = underPipelinedCreates(node, output,
      group -> new ProcessBuilder("kill", "-INT", "--", "-" + group.pid()).inheritIO().start().waitFor());
    assertEquals(0, node.exitValue(), "Ctrl-C drains and exits 0: " + output);
    assertEquals(setsInTheAppendOnlyFile(), answered, "every CREATE that reached Redis was answered");
    assertTrue(output.stream().noneMatch(line -> line.contains("exited with code")),
      "the embedded redis-server did not get the Ctrl-C: " + output);
  }

  @Test
  void healthSaysDownWhileDrainingAndARequestStillUnansweredAfterShutdownGraceSIsCutOff() throws Exception {
    try (ServerSocket silentPeer = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<Void> peerGotTheRequest = new CompletableFuture<>();
      Thread peer = new Thread(() -> {
        try (Socket held = silentPeer.accept()) {
          held.getInputStream().read(); // the AGGREGATE has reached the peer, which never answers
          peerGotTheRequest.complete(null);
          while (held.getInputStream().read() >= 0) {
            // reads all the node sends until the node lets go
          }
        } catch (IOException closed) {
          peerGotTheRequest.completeExceptionally(closed);
        }
      }, "silent-peer");
      peer.setDaemon(true);
      peer.start();
      String peerAddr = "127.0.0.1:" + silentPeer.getLocalPort();
      Path file = dir.resolve("settings.json");
      String metricsAddr = "127.0.0.1:" + NodeProcess.freePort("127.0.0.1");
      Files.writeString(file, settings().put("shutdown_grace_s", 2).put("nodes", new JsonArray().add(peerAddr))
        .put("limits", new JsonObject().put("peer_timeout_ms", 60_000))
        .put("metrics", new JsonObject().put("addr", metricsAddr)).encode());
      Process node = NodeProcess.java(dir, "run", "-s", file.toString());
      List<String> output = new ArrayList<>();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        try (WireClient client = new WireClient("127.0.0.1", awaitPort(out, output))) {
          client.write(WireClient.frame(3, "01ARZ3NDEKTSV4RRFFQ69G5FAV@" + peerAddr));
          peerGotTheRequest.get(10, TimeUnit.SECONDS);
          assertEquals(200, health(metricsAddr), "UP before SIGTERM");
          long t0 = System.nanoTime();
          node.toHandle().destroy(); // SIGTERM
          // while it drains, the node tells load balancers to send no one new
          Poll.until("/health says 503 while the node drains", Duration.ofSeconds(2), () -> health(metricsAddr),
            status -> status == 503);
          client.assertClosedByPeer(); // with no answer: its peer still had not answered
          assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the node did not stop");
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          out.lines().forEach(output::add);
          assertEquals(0, node.exitValue(), "exits 0: " + output);
          assertTrue(ms < 7_000, "stopped " + ms + " ms after SIGTERM with shutdown_grace_s 2: " + output);
          assertTrue(output.stream().anyMatch(line -> line.contains("WARNING")
            && line.contains("still open after shutdown_grace_s (2 s)")), "says what was cut off: " + output);
        }
      } finally {
        stopForGood(node);
      }
    }
  }

  /** After a failure: the node, and the embedded redis-server it would have stopped. */
  void stopForGood(Process node) throws InterruptedException {
    node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    RedisServerProcess.stopLeftover(dir.resolve("data"));
  }

  static int health(String metricsAddr) throws IOException {
    HttpURLConnection get = (HttpURLConnection) new URL("http://" + metricsAddr + "/health").openConnection();
    try {
      return get.getResponseCode();
    } finally {
      get.disconnect();
    }
  }

  interface Stop {
    void stop(Process node) throws Exception;
  }

  static void sigterm(Process node) {
    node.toHandle().destroy(); // Process.destroy() would also close our end of its output
  }

  /**
   * Pipelines CREATEs on a few connections, stops the node once the first answers are in, and reads every
   * connection until the node closes it. Returns how many CREATEs were answered, after asserting that all were
   * OK and that the node ended; {@code output} gets what the node printed.
   */
  int underPipelinedCreates(Process node, List<String> output, Stop stop) throws Exception {
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
      int port = awaitPort(out, output);
      AtomicInteger answered = new AtomicInteger();
      CountDownLatch firstAnswers = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      for (int c = 0; c < CONNECTIONS; c++) {
        WireClient client = new WireClient("127.0.0.1", port);
        ByteArrayOutputStream creates = new ByteArrayOutputStream();
        for (int i = 0; i < CREATES_EACH; i++) {
          creates.writeBytes(WireClient.frame(1, "connection " + c + " value " + i));
        }
        Thread writer = new Thread(() -> {
          try {
            client.write(creates.toByteArray()); // one write; the node reads what it will
          } catch (IOException stoppedReading) {
            // the node closed the connection with our later requests unread, as SPEC 5 lets it
          }
        }, "writer-" + c);
        Thread reader = new Thread(() -> {
          try (client) {
            DataInputStream in = new DataInputStream(client.input());
            for (int first = in.read(); first >= 0; first = in.read()) {
              int status = (first << 8) | in.readUnsignedByte();
              byte[] payload = new byte[in.readInt()];
              in.readFully(payload);
              if (status != 0) {
                throw new AssertionError("answer " + answered.get() + " is status " + status + ": "
                  + new String(payload, StandardCharsets.UTF_8));
              }
              if (answered.incrementAndGet() == 100) {
                firstAnswers.countDown();
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "reader-" + c);
        threads.add(writer);
        threads.add(reader);
        writer.start();
        reader.start();
      }
      assertTrue(firstAnswers.await(30, TimeUnit.SECONDS), "no answers: " + output);
      stop.stop(node);
      for (Thread thread : threads) {
        thread.join(30_000);
        assertTrue(!thread.isAlive(), thread.getName() + " still runs: the node never closed its connection");
      }
      assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the node did not stop on SIGTERM: " + output);
      out.lines().forEach(output::add);
      if (!failures.isEmpty()) {
        fail("every answer must be OK and end whole, then the connection closes: " + failures + " " + output);
      }
      assertTrue(answered.get() < CONNECTIONS * CREATES_EACH, "the node stopped reading at SIGTERM");
      return answered.get();
    } finally {
      stopForGood(node);
    }
  }

  /**
   * Reads the node's output up to its start line and returns the port. The rest stays in the pipe (the node logs a
   * few lines until it exits) and is read after the exit: a thread reading while the process exits can lose it.
   */
  static int awaitPort(BufferedReader out, List<String> output) throws IOException {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      output.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the node ended without its start line: " + output);
  }

  /** SET commands in the embedded Redis's append-only file (Redis 6: one file; 7: a directory of them). */
  int setsInTheAppendOnlyFile() throws IOException {
    byte[] set = "\r\nset\r\n".getBytes(StandardCharsets.US_ASCII); // as the client sent it
    int count = 0;
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      for (Path file : files.filter(p -> p.getFileName().toString().startsWith("appendonly")
        && Files.isRegularFile(p)).toList()) {
        byte[] bytes = Files.readString(file, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT)
          .getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i + set.length <= bytes.length; i++) {
          if (java.util.Arrays.equals(bytes, i, i + set.length, set, 0, set.length)) {
            count++;
          }
        }
      }
    }
    return count;
  }
}
