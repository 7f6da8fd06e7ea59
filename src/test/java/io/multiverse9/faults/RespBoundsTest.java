package io.multiverse9.faults;

import static io.multiverse9.faults.MemoryBoundsTest.assertNoOutOfMemory;
import static io.multiverse9.faults.MemoryBoundsTest.assertServes;
import static io.multiverse9.support.WireClient.resp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.NodeProcess;
import io.multiverse9.support.Poll;
import io.multiverse9.support.WireClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RESP form held to the bounds of the binary form (SPEC 1.6, 1.7), against a node in its own JVM with a 256 MiB
 * heap and -XX:+ExitOnOutOfMemoryError: announced counts and lengths refused from their header, strangers bounded by
 * max_stranger_frame_bytes, pipelined answers of a large value held to about one, the three forms answered in order
 * on one socket, and what a request may do decided after the AUTH before it. One node serves the class: it trusts no
 * address (every connection is a stranger until it sends AUTH), lets strangers CREATE, and keeps METADATA to
 * acknowledged connections.
 */
class RespBoundsTest {

  static final String TOKEN = "resp-bounds-token";
  static final int STRANGER_MAX = 64 * 1024;
  static final long MIB = 1024 * 1024;
  /** A key no node ever gave out (its time is 1970): NOT_FOUND wherever it is asked for. */
  static final String MISSING = "00000000000000000000000000";
  static final HttpClient SCRAPER = HttpClient.newHttpClient();

  @TempDir
  static Path dir;
  static NodeProcess node;

  @BeforeAll
  static void start() throws IOException {
    JsonObject settings = MemoryBoundsTest.settings().put("trust_loopback", false)
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", true))
      .put("auth", new JsonObject().put("token", TOKEN))
      .put("metrics", new JsonObject().put("addr", "127.0.0.1:0"));
    node = NodeProcess.start(dir, settings);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    assertNoOutOfMemory(node);
    node.close();
  }

  /**
   * {@code *2147483647} and {@code $999999999999} announce more than any request may hold: -TOO_LARGE from the header
   * alone (nothing else is sent), naming the limit that applies, then the connection closes; the node serves on.
   */
  @Test
  void aHugeCountOrLengthIsTooLargeFromItsHeaderAloneThenClosed() throws Exception {
    for (String header : List.of("*2147483647\r\n", "*1\r\n$999999999999\r\n", "*2\r\n$6\r\nCREATE\r\n$16777216\r\n")) {
      for (boolean acknowledged : new boolean[] {false, true}) {
        try (WireClient client = new WireClient(node.host(), node.port())) {
          if (acknowledged) {
            assertEquals("OK", client.write(resp("AUTH", TOKEN)).readResp());
          }
          client.write(header);
          WireClient.RespError refused = assertInstanceOf(WireClient.RespError.class, client.readResp(), header);
          assertEquals("TOO_LARGE", refused.status(), refused.line());
          String limit = acknowledged ? "limits.max_frame_bytes" : "limits.max_stranger_frame_bytes";
          assertTrue(refused.line().contains(limit), limit + ": " + refused.line());
          client.assertClosedByPeer();
        }
      }
    }
    assertServes(node, "after requests announcing 2^31 elements and a terabyte");
  }

  /**
   * A stranger's RESP CREATE is bounded by max_stranger_frame_bytes: one that fits is stored; one announcing more is
   * refused -TOO_LARGE before a byte of its value is sent, and the connection closes; after AUTH the same connection
   * kind may send 1 MiB.
   */
  @Test
  void aStrangersRespCreateIsBoundedByMaxStrangerFrameBytesUntilItAuthenticates() throws Exception {
    try (WireClient stranger = new WireClient(node.host(), node.port())) {
      // *2 CRLF, $6 CRLF CREATE CRLF, $65000 CRLF, the value, CRLF: 65,026 bytes of the 65,536
      String key = stranger.write(resp("CREATE", new byte[65_000])).readRespBulk();
      assertEquals(26, key.length(), key);
      stranger.write("*2\r\n$6\r\nCREATE\r\n$" + STRANGER_MAX + "\r\n");
      WireClient.RespError refused = assertInstanceOf(WireClient.RespError.class, stranger.readResp());
      assertEquals("TOO_LARGE", refused.status(), refused.line());
      assertTrue(refused.line().contains("limits.max_stranger_frame_bytes") && refused.line().contains("AUTH"),
        "says which limit and what to do: " + refused.line());
      stranger.assertClosedByPeer();
    }
    try (WireClient authenticated = new WireClient(node.host(), node.port())) {
      byte[] value = new byte[1024 * 1024];
      value[value.length - 1] = 7;
      assertEquals("OK", authenticated.write(resp("AUTH", "default", TOKEN)).readResp());
      String key = authenticated.write(resp("CREATE", value)).readRespBulk();
      List<?> entries = (List<?>) authenticated.write(resp("AGGREGATE", key)).readResp();
      assertArrayEquals(value, (byte[]) entries.get(0));
    }
  }

  /**
   * 150 strangers each try to make the node hold a RESP request of more than max_stranger_frame_bytes: a third
   * announce one element of 1 MiB, a third send elements of 16 KiB that add up past it, a third send 65,000 bytes of
   * a 65,400-byte element and stop there. The first two are refused -TOO_LARGE and closed as soon as the total passes
   * the limit; the partial ones are held, each within the limit (mv9_buffered_bytes), the node serves others
   * meanwhile, and gives it all back when they close.
   */
  @Test
  void manyStrangersHoldingPartialRespRequestsAreEachHeldToMaxStrangerFrameBytes() throws Exception {
    int each = 50;
    List<WireClient> partial = new ArrayList<>();
    try {
      long before = gauge("mv9_buffered_bytes");
      for (int i = 0; i < each; i++) {
        WireClient client = new WireClient(node.host(), node.port());
        partial.add(client);
        client.write("*2\r\n$6\r\nCREATE\r\n$65400\r\n").write(new byte[65_000]);
      }
      List<WireClient> refused = new ArrayList<>();
      try {
        for (int i = 0; i < each; i++) {
          WireClient oneElement = new WireClient(node.host(), node.port());
          refused.add(oneElement);
          oneElement.write("*2\r\n$6\r\nCREATE\r\n$" + MIB + "\r\n");
          WireClient adding = new WireClient(node.host(), node.port());
          refused.add(adding);
          ByteArrayOutputStream elements = new ByteArrayOutputStream();
          elements.writeBytes("*9\r\n$9\r\nAGGREGATE\r\n".getBytes(StandardCharsets.US_ASCII));
          for (int e = 0; e < 8; e++) {
            elements.writeBytes(("$16384\r\n" + "K".repeat(16_384) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          }
          adding.write(elements.toByteArray());
        }
        for (WireClient client : refused) {
          WireClient.RespError error = assertInstanceOf(WireClient.RespError.class, client.readResp());
          assertEquals("TOO_LARGE", error.status(), error.line());
          client.assertClosedByPeer();
        }
      } finally {
        for (WireClient client : refused) {
          client.close();
        }
      }
      long held = Poll.until("the node holds the 50 partial requests", Duration.ofSeconds(10),
        () -> gauge("mv9_buffered_bytes") - before, bytes -> bytes >= each * 65_000L);
      System.out.printf("%d strangers with a partial RESP CREATE of 65,000 bytes each: mv9_buffered_bytes %d bytes "
        + "(%d each)%n", each, held, held / each);
      assertTrue(held <= (long) each * STRANGER_MAX, "strangers made the node hold " + held + " bytes, more than "
        + each + " x max_stranger_frame_bytes");
      assertServes(node, "while 50 strangers hold partial requests");
    } finally {
      for (WireClient client : partial) {
        client.close();
      }
    }
    Poll.until("what the strangers made the node hold is given back", Duration.ofSeconds(10),
      () -> gauge("mv9_buffered_bytes"), bytes -> bytes < 64 * 1024);
  }

  /**
   * One connection pipelines 48 RESP AGGREGATEs of one 16 MiB value and reads nothing: the node holds about one
   * answer (under 48 MiB; 48 x 16 MiB would not fit its heap), serves others meanwhile, and once the client reads it
   * gets all 48, whole and in order, as RESP arrays of one bulk string.
   */
  @Test
  void pipelinedRespAggregatesOfALargeValueHoldAboutOneAnswer() throws Exception {
    byte[] value = new byte[16 * 1024 * 1024];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (i * 31 + (i >>> 13));
    }
    String key;
    try (WireClient client = new WireClient(node.host(), node.port())) {
      assertEquals(0, client.call(6, TOKEN).status());
      WireClient.Frame created = client.call(1, value); // 16 MiB: the largest value a binary frame carries
      assertEquals(0, created.status(), created.text());
      key = created.text();
    }
    int count = 48;
    try (WireClient attacker = new WireClient(node.host(), node.port())) {
      attacker.socket().setReceiveBufferSize(64 * 1024);
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      for (int i = 0; i < count; i++) {
        requests.writeBytes(resp("AGGREGATE", key));
      }
      attacker.write(requests.toByteArray());
      long peak = 0;
      long end = System.currentTimeMillis() + 3_000;
      while (System.currentTimeMillis() < end) {
        assertTrue(node.process().isAlive(), "the node died: " + node.output());
        peak = Math.max(peak, gauge("mv9_buffered_bytes"));
        Thread.sleep(50); // sampling a gauge, bounded by the deadline
      }
      assertServes(node, "while a client does not read its RESP AGGREGATE answers");
      System.out.printf("one connection, %d x RESP AGGREGATE of 16 MiB, not read: peak mv9_buffered_bytes %d MiB%n",
        count, peak / MIB);
      assertTrue(peak < 48 * MIB, "one connection made the node hold " + peak + " bytes (max_pending_bytes 4 MiB, "
        + "one answer 16 MiB)");
      attacker.socket().setSoTimeout(60_000);
      byte[] header = ("*1\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] read = new byte[header.length + value.length + 2];
      for (int i = 0; i < count; i++) {
        assertEquals(read.length, attacker.input().readNBytes(read, 0, read.length), "answer " + (i + 1) + ", whole");
        assertArrayEquals(header, Arrays.copyOf(read, header.length), "answer " + (i + 1));
        assertTrue(Arrays.equals(value, 0, value.length, read, header.length, header.length + value.length),
          "answer " + (i + 1) + " is the value as stored");
        assertEquals('\r', read[read.length - 2]);
        assertEquals('\n', read[read.length - 1]);
      }
      assertEquals("PONG", attacker.write(resp("PING")).readResp(), "the connection goes on");
    }
  }

  /**
   * Binary frames, text lines and RESP arrays pipelined on one socket in one write: answered in order, each in its
   * form.
   */
  @Test
  void binaryTextAndRespMixedOnOneSocketAreAnsweredInOrder() throws Exception {
    try (WireClient client = new WireClient(node.host(), node.port())) {
      ByteArrayOutputStream creates = new ByteArrayOutputStream();
      creates.writeBytes(WireClient.frame(1, "binary value"));
      creates.writeBytes(resp("CREATE", "resp value"));
      creates.writeBytes("CREATE text value\n".getBytes(StandardCharsets.UTF_8));
      creates.writeBytes(resp("PING"));
      creates.writeBytes(WireClient.frame(5, "binary ping"));
      creates.writeBytes("PING text ping\n".getBytes(StandardCharsets.UTF_8));
      creates.writeBytes(resp("METADATA"));
      creates.writeBytes(resp("FLUSHALL"));
      client.write(creates.toByteArray());
      WireClient.Frame binary = client.readFrame();
      assertEquals(0, binary.status(), binary.text());
      String binaryKey = binary.text();
      String respKey = client.readRespBulk();
      String textKey = new JsonObject(client.readLine()).getString("key");
      assertEquals("PONG", client.readResp());
      assertEquals("binary ping", client.readFrame().text());
      assertEquals("text ping", new JsonObject(client.readLine()).getString("value"));
      assertEquals("FORBIDDEN", ((WireClient.RespError) client.readResp()).status(), "METADATA, from a stranger");
      assertEquals("ERR", ((WireClient.RespError) client.readResp()).status(), "an unknown command");

      ByteArrayOutputStream reads = new ByteArrayOutputStream();
      reads.writeBytes(resp("AGGREGATE", textKey, binaryKey, respKey, MISSING));
      reads.writeBytes(("AGGREGATE " + respKey + "\n").getBytes(StandardCharsets.UTF_8));
      reads.writeBytes(WireClient.frame(2, textKey + "\0" + binaryKey + "\0" + respKey));
      reads.writeBytes(resp("AGGREGATE", textKey));
      reads.writeBytes(resp("PING", "last"));
      client.write(reads.toByteArray());
      List<?> found = (List<?>) client.readResp();
      assertEquals(List.of("text value", "binary value", "resp value"), List.of(new String((byte[]) found.get(0)),
        new String((byte[]) found.get(1)), new String((byte[]) found.get(2))));
      assertNull(found.get(3));
      assertEquals("resp value", new JsonObject(client.readLine()).getJsonArray("entries").getJsonObject(0)
        .getString("value"));
      WireClient.Frame removed = client.readFrame();
      assertEquals(3, ByteBuffer.wrap(removed.payload()).getInt(), "the binary REMOVE removed all three");
      assertEquals(Collections.singletonList(null), client.readResp(), "removed before this AGGREGATE ran");
      assertEquals("last", client.readRespBulk());
    }
  }

  /**
   * What a request may do is decided against the AUTHs before it, also in one pipelined write where the AUTH waits
   * behind a REMOVE: METADATA refused before AUTH, served after it; a 100 KB CREATE over the stranger limit taken
   * after it; a wrong token takes the acknowledgement back, and the same CREATE is then TOO_LARGE. Before, the
   * requests after such an AUTH were admitted as the stranger's, before the AUTH had run.
   */
  @Test
  void permissionsAreDecidedPerRequestAcrossAnAuthInARespPipeline() throws Exception {
    byte[] large = new byte[100_000];
    try (WireClient client = new WireClient(node.host(), node.port())) {
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      pipeline.writeBytes(resp("REMOVE", MISSING)); // holds back what follows until Redis answers it
      pipeline.writeBytes(resp("METADATA"));
      pipeline.writeBytes(resp("AUTH", TOKEN));
      pipeline.writeBytes(resp("METADATA"));
      pipeline.writeBytes(resp("CREATE", large));
      pipeline.writeBytes(resp("AUTH", "not-the-token"));
      pipeline.writeBytes(resp("METADATA"));
      pipeline.writeBytes(resp("CREATE", large));
      client.write(pipeline.toByteArray());
      assertEquals(0L, client.readResp());
      assertEquals("FORBIDDEN", ((WireClient.RespError) client.readResp()).status(), "METADATA before AUTH");
      assertEquals("OK", client.readResp());
      assertEquals("multiverse9_memory_test", new JsonObject(client.readRespBulk()).getString("name"),
        "METADATA after AUTH");
      assertEquals(26, client.readRespBulk().length(), "a 100 KB CREATE after AUTH");
      assertEquals(new WireClient.RespError("FORBIDDEN wrong token"), client.readResp());
      assertEquals("FORBIDDEN", ((WireClient.RespError) client.readResp()).status(), "METADATA after a wrong AUTH");
      WireClient.RespError tooLarge = assertInstanceOf(WireClient.RespError.class, client.readResp());
      assertTrue(tooLarge.line().startsWith("TOO_LARGE ") && tooLarge.line().contains("max_stranger_frame_bytes"),
        "the CREATE after a wrong AUTH is a stranger's again: " + tooLarge.line());
      client.assertClosedByPeer();
    }
    // the binary form likewise: FORBIDDEN and TOO_LARGE are decided from a frame's header, after the AUTH before it
    try (WireClient client = new WireClient(node.host(), node.port())) {
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      pipeline.writeBytes(WireClient.frame(2, MISSING));
      pipeline.writeBytes(WireClient.frame(6, TOKEN));
      pipeline.writeBytes(WireClient.frame(4, ""));
      pipeline.writeBytes(WireClient.frame(1, large));
      client.write(pipeline.toByteArray());
      assertEquals(0, client.readFrame().status(), "REMOVE");
      assertEquals(0, client.readFrame().status(), "AUTH");
      WireClient.Frame metadata = client.readFrame();
      assertEquals(0, metadata.status(), "METADATA after AUTH: " + metadata.text());
      WireClient.Frame created = client.readFrame();
      assertEquals(0, created.status(), "a 100 KB CREATE after AUTH: " + created.text());
    }
  }

  /** The value of one of the node's gauges, from its /metrics. */
  static long gauge(String name) throws Exception {
    String metrics = SCRAPER.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.metricsPort()
      + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(metrics);
    assertTrue(m.find(), name + " is not in /metrics");
    return (long) Double.parseDouble(m.group(1));
  }
}
