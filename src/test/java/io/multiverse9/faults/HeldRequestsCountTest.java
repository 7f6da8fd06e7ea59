package io.multiverse9.faults;

import static io.multiverse9.faults.MemoryBoundsTest.assertNoOutOfMemory;
import static io.multiverse9.faults.MemoryBoundsTest.assertServes;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.storage.RedisServerProcess;
import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 1.6: a request held is counted as what it makes the node hold, not only its payload. With Redis stopped
 * (SIGSTOP), a client pipelines AGGREGATEs of 4,096 distinct keys: each is parsed into key strings, payload
 * slices and Redis arguments, about 8 times its payload. Counted so (256 bytes a target beside the payload), the
 * node stops reading at max_buffered_bytes (80 MiB, a third of its 256 MiB heap) and keeps serving; counted by
 * payload alone, it read about 700 such requests into 80 MiB of count and ran out of memory.
 */
class HeldRequestsCountTest {

  private static final int KEYS = 4096;
  private static final int REQUESTS = 2000;

  @TempDir
  Path dir;

  @Test
  void aggregatesHeldWhileRedisIsStoppedAreCountedAsWhatTheyHold() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(dir.resolve("redis"), false)) {
      JsonObject settings = MemoryBoundsTest.settings().put("redis_uri", redis.uri())
        .put("limits", new JsonObject().put("max_buffered_bytes", 80 << 20).put("storage_timeout_ms", 60_000));
      try (NodeProcess node = NodeProcess.start(dir.resolve("node"), settings);
           WireClient client = new WireClient(node.host(), node.port())) {
        assertServes(node, "before Redis stops");
        signal("-STOP", redis.pid());
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
          byte[] frame = aggregate();
          try {
            OutputStream out = client.socket().getOutputStream();
            for (int i = 0; i < REQUESTS; i++) {
              out.write(frame);
              written.incrementAndGet();
            }
          } catch (IOException stoppedReading) {
            // the test closes the connection while the node does not read it
          }
        }, "pipelining-aggregates");
        writer.setDaemon(true);
        try {
          writer.start();
          long end = System.currentTimeMillis() + 8_000;
          while (System.currentTimeMillis() < end) {
            assertTrue(node.process().isAlive(), "the node died: " + node.output());
            assertServes(node, "while Redis is stopped and AGGREGATEs are held");
            Thread.sleep(500); // one PING every half second, bounded by the deadline
          }
          System.out.printf("Redis stopped: %d AGGREGATEs of %d keys written before the node stopped reading%n",
            written.get(), KEYS);
          assertTrue(written.get() < REQUESTS, "the node read all " + REQUESTS + " requests while Redis was stopped");
        } finally {
          signal("-CONT", redis.pid());
        }
        assertNoOutOfMemory(node);
      }
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    new ProcessBuilder("kill", signal, Long.toString(pid)).start().waitFor();
  }

  private static byte[] aggregate() {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < KEYS; i++) {
      keys.append(i == 0 ? "" : "\0").append(String.format("01ARZ3NDEKTSV4RRFFQ6%06d", i));
    }
    return WireClient.frame(3, keys.toString());
  }
}
