package io.multiverse9.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Redis on a full disk (SPEC 2, 5): a node answers OK only for values that a restart of its Redis
 * keeps, and says once that the disk is full, not once per request. {@code data_dir} is a 2 MiB tmpfs, filled by
 * pipelined CREATEs until Redis can no longer append to its file; then the redis-server is killed (SIGKILL), the
 * node starts it again on the same file, and every value answered OK must be there.
 */
class DiskFullTest {

  static final int OK = 0;
  static final int UNAVAILABLE = 5;
  static final int FOUND = 0;
  static final int ROUND = 100;

  @TempDir
  Path dir;
  Path data;
  boolean mounted;

  @BeforeEach
  void mountTinyDisk() throws Exception {
    data = dir.resolve("data");
    Files.createDirectories(data);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", data.toString())
      .redirectErrorStream(true).start();
    String said = new String(mount.getInputStream().readAllBytes()).trim();
    mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "skipped: mounting a 2 MiB tmpfs needs root (mount said: " + said + ")");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      NodeProcess.stopLeftoverRedis(data);
      new ProcessBuilder("umount", "-l", data.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  JsonObject settings() {
    return new JsonObject().put("name", "multiverse9_disk_full_test").put("redis_uri", "embedded")
      .put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", new JsonArray())
      .put("data_dir", data.toString());
  }

  @Test
  void noValueAnsweredOkIsLostWhenTheDiskFillsAndRedisIsKilled() throws Exception {
    try (NodeProcess node = NodeProcess.start(dir.resolve("run"), settings());
         WireClient client = new WireClient(node.host(), node.port())) {
      byte[] value = new byte[1000];
      ByteArrayOutputStream round = new ByteArrayOutputStream();
      for (int i = 0; i < ROUND; i++) {
        round.writeBytes(WireClient.frame(1, value));
      }
      List<String> acknowledged = new ArrayList<>();
      int refusedRounds = 0;
      String refusal = "";
      for (int rounds = 0; refusedRounds < 3; rounds++) {
        assertTrue(rounds < 100, "2 MiB never filled up: " + acknowledged.size() + " values stored");
        client.write(round.toByteArray());
        int ok = 0;
        for (int i = 0; i < ROUND; i++) {
          WireClient.Frame answer = client.readFrame();
          if (answer.status() == OK) {
            acknowledged.add(answer.text());
            ok++;
          } else {
            assertEquals(UNAVAILABLE, answer.status(), answer.text());
            refusal = answer.text();
          }
        }
        refusedRounds += ok == 0 ? 1 : 0;
      }
      assertTrue(refusal.contains("MISCONF"), "a refused CREATE says why: " + refusal);

      long pid = Long.parseLong(Files.readString(data.resolve("redis.pid")).trim());
      ProcessHandle redis = ProcessHandle.of(pid).orElseThrow();
      redis.destroyForcibly(); // SIGKILL: what Redis held only in memory is gone
      redis.onExit().get(10, TimeUnit.SECONDS);

      int found = 0;
      List<String> lost = new ArrayList<>();
      long backBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (String key : acknowledged) {
        // an UNAVAILABLE entry (4): the server is not back yet; one 30 s for all the keys, as it comes back once
        int status = Poll.until("the embedded Redis comes back", Duration.ofNanos(backBy - System.nanoTime()),
          () -> entryStatus(client.call(3, key)), entry -> entry != 4,
          entry -> node.output());
        if (status == FOUND) {
          found++;
        } else {
          lost.add(key);
        }
      }
      System.out.println("[DiskFullTest] acknowledged " + acknowledged.size() + ", kept after SIGKILL " + found
        + ", lost " + lost.size());
      assertEquals(List.of(), lost, "values answered OK that the restarted Redis does not have, of "
        + acknowledged.size());

      List<String> warnings = node.output().stream()
        .filter(line -> line.contains("WARNING") && line.contains("append-only file")).toList();
      assertEquals(1, warnings.size(), "one WARNING for thousands of refused CREATEs: " + warnings);
      assertTrue(warnings.get(0).contains("No space left on device") && warnings.get(0).contains(data.toString()),
        "it names the full disk and data_dir: " + warnings.get(0));
    }
  }

  /** The status of the one entry of an AGGREGATE answer (the request itself is answered OK). */
  static int entryStatus(WireClient.Frame answer) {
    assertEquals(OK, answer.status(), answer.text());
    return ByteBuffer.wrap(answer.payload()).get();
  }
}
