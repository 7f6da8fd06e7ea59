package io.multiverse9.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Redis is the node's own child (SPEC 5): killed, it is started again on the same port, password and
 * append-only file, with a WARNING in the log, and the node serves again by itself.
 */
class EmbeddedRedisRestartTest {

  static final int OK = 0;
  static final int UNAVAILABLE = 5;

  @TempDir
  Path dir;

  JsonObject settings() {
    return new JsonObject().put("name", "multiverse9_restart_test").put("redis_uri", "embedded")
      .put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", new JsonArray())
      .put("data_dir", dir.resolve("data").toString());
  }

  long redisPid() throws Exception {
    return Long.parseLong(Files.readString(dir.resolve("data/redis.pid")).trim());
  }

  @Test
  void aKilledEmbeddedRedisIsStartedAgainOnTheSameDataAndTheNodeServesAgain() throws Exception {
    try (NodeProcess node = NodeProcess.start(dir.resolve("run"), settings());
         WireClient client = new WireClient(node.host(), node.port())) {
      WireClient.Frame created = client.call(1, "written before the kill");
      assertEquals(OK, created.status(), created.text());
      long killedPid = redisPid();
      ProcessHandle redis = ProcessHandle.of(killedPid).orElseThrow();
      redis.destroyForcibly(); // SIGKILL: no goodbye, as the OOM killer would do it
      redis.onExit().get(10, TimeUnit.SECONDS);

      Poll.until("the node serves again", Duration.ofSeconds(20), () -> {
        WireClient.Frame again = client.call(1, "written after the restart");
        if (again.status() != OK) {
          assertEquals(UNAVAILABLE, again.status(), "meanwhile requests get UNAVAILABLE: " + again.text());
        }
        return again.status() == OK;
      }, node::output);

      assertNotEquals(killedPid, redisPid(), "a new redis-server runs");
      assertArrayEquals("written before the kill".getBytes(StandardCharsets.UTF_8), client.foundValue(created.text()),
        "the new server loaded the append-only file");
      List<String> output = node.output();
      assertTrue(output.stream().anyMatch(line -> line.contains("WARNING") && line.contains("redis-server")
          && line.contains(Long.toString(killedPid)) && line.contains("137")),
        "one WARNING names the dead server and its exit code: " + output);
      String password = Files.readAllLines(dir.resolve("data/redis.conf")).stream()
        .filter(line -> line.startsWith("requirepass ")).findFirst().orElseThrow().substring("requirepass ".length());
      assertFalse(output.stream().anyMatch(line -> line.contains(password)), "the password is never logged");
    }
  }

  @Test
  void whileAnotherProcessHoldsItsPortTheServerIsRetriedWithAWarningUntilThePortIsFree() throws Exception {
    try (NodeProcess node = NodeProcess.start(dir.resolve("run"), settings());
         WireClient client = new WireClient(node.host(), node.port())) {
      assertEquals(OK, client.call(1, "before").status());
      int redisPort = Integer.parseInt(Files.readAllLines(dir.resolve("data/redis.conf")).stream()
        .filter(line -> line.startsWith("port ")).findFirst().orElseThrow().substring("port ".length()));
      ProcessHandle.of(redisPid()).orElseThrow().destroyForcibly();
      // take the port the moment the server lets go of it, before the node's first restart (100 ms later)
      try (ServerSocket squatter = bindWhenFree(redisPort)) {
        Thread hangUp = new Thread(() -> {
          try {
            while (true) {
              squatter.accept().close(); // the node's Redis clients fail at once, rather than wait in our backlog
            }
          } catch (IOException closed) {
            // the port is given back
          }
        }, "squatter");
        hangUp.setDaemon(true);
        hangUp.start();
        Poll.until("a WARNING says another process took the port", Duration.ofSeconds(20), node::output,
          output -> output.stream().anyMatch(line -> line.contains("WARNING")
            && line.contains("took its port 127.0.0.1:" + redisPort)));
      }
      Poll.until("the node logs that its redis-server is back", Duration.ofSeconds(20), node::output,
        output -> output.stream().anyMatch(line -> line.contains("INFO")
          && line.contains("embedded redis-server is back")));
      Poll.until("the node serves again", Duration.ofSeconds(20), () -> client.call(1, "after").status() == OK,
        node::output);
    }
  }

  /**
   * Killed under pipelined load, the server takes a batch of commands down with it, and the restarted one answers
   * LOADING for a while: each of those requests gets UNAVAILABLE with one line of explanation, not the client
   * library's line per command of the batch (a thousand lines, in each of a thousand answers).
   */
  @Test
  void killedUnderPipelinedLoadItCostsOneLineUnavailableAnswersThenServesAgain() throws Exception {
    try (NodeProcess node = NodeProcess.start(dir.resolve("run"), settings());
         WireClient client = new WireClient(node.host(), node.port())) {
      ByteArrayOutputStream round = new ByteArrayOutputStream();
      for (int i = 0; i < 200; i++) {
        round.writeBytes(WireClient.frame(1, "pipelined value " + i));
      }
      AtomicBoolean enough = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        try {
          while (!enough.get()) {
            client.write(round.toByteArray());
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "writer");
      writer.setDaemon(true);
      writer.start();
      int ok = 0;
      int unavailable = 0;
      int okAfterRestart = 0;
      int longest = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (okAfterRestart < 2000) {
        assertTrue(System.nanoTime() < deadline, "did not serve again: ok " + ok + ", unavailable " + unavailable
          + " " + node.output());
        WireClient.Frame answer = client.readFrame();
        if (answer.status() == OK) {
          ok++;
          okAfterRestart += unavailable > 0 ? 1 : 0;
          if (ok == 2000) {
            ProcessHandle.of(redisPid()).orElseThrow().destroyForcibly();
          }
        } else {
          assertEquals(UNAVAILABLE, answer.status(), answer.text());
          unavailable++;
          longest = Math.max(longest, answer.payload().length);
        }
      }
      enough.set(true);
      assertTrue(unavailable > 0, "the kill cost no request: " + node.output());
      assertTrue(longest < 500, "an UNAVAILABLE answer of " + longest + " bytes");
    }
  }

  static ServerSocket bindWhenFree(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
      } catch (BindException stillHeld) {
        assertTrue(System.nanoTime() < deadline, "the killed redis-server kept its port");
      }
    }
  }

}
