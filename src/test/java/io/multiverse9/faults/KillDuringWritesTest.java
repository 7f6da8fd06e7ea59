package io.multiverse9.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL in the middle of a pipelined CREATE stream: every key it acknowledged is readable
 * once it runs again on the same data_dir (issue 7).
 */
class KillDuringWritesTest {

  @TempDir
  Path dir;

  JsonObject settings() {
    return new JsonObject().put("name", "multiverse9_kill_test").put("redis_uri", "embedded").put("version", "0.1.0")
      .put("perms", new JsonObject().put("open_metadata", true).put("open_interactions", false))
      .put("addr", "127.0.0.1:0").put("nodes", new JsonArray())
      .put("data_dir", dir.resolve("data").toString());
  }

  @Test
  void everyAcknowledgedCreateSurvivesAKill() throws Exception {
    NodeProcess node = NodeProcess.start(dir.resolve("run1"), settings());
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> killed = new CompletableFuture<>();
    try (WireClient client = new WireClient(node.host(), node.port())) {
      Thread reader = new Thread(() -> {
        try {
          while (true) {
            WireClient.Frame reply = client.readFrame();
            assertEquals(0, reply.status(), reply.text());
            acknowledged.add(reply.text());
            if (acknowledged.size() == 3000) {
              node.kill(); // SIGKILL while thousands more are in flight
              killed.complete(null);
            }
          }
        } catch (Exception connectionGone) {
          killed.complete(null);
        }
      }, "acks");
      reader.start();
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 200; i++) {
        batch.writeBytes(WireClient.frame(1, "durable value " + i));
      }
      byte[] frames = batch.toByteArray();
      try {
        for (int round = 0; round < 200 && !killed.isDone(); round++) {
          client.write(frames);
        }
      } catch (java.io.IOException connectionGone) {
        // the node died under us, as intended
      }
      killed.get(60, TimeUnit.SECONDS);
      reader.join(10_000);
    }
    assertTrue(acknowledged.size() >= 3000, "acknowledged " + acknowledged.size());

    // the same data_dir: the leftover redis-server is stopped (flushing its file) and a new one loads it
    // keys are local, so the node may come back on another port
    try (NodeProcess again = NodeProcess.start(dir.resolve("run2"), settings())) {
      try (WireClient client = new WireClient(again.host(), again.port())) {
        List<String> keys = List.copyOf(acknowledged);
        for (int from = 0; from < keys.size(); from += 1000) {
          List<String> slice = keys.subList(from, Math.min(keys.size(), from + 1000));
          WireClient.Frame reply = client.call(3, String.join("\0", slice));
          ByteBuffer in = ByteBuffer.wrap(reply.payload());
          for (String key : slice) {
            assertEquals(0, in.get(), "acknowledged key " + key + " is lost");
            in.position(in.position() + 2 + key.length());
            int length = in.getInt();
            in.position(in.position() + length);
          }
        }
      }
    }
  }
}
