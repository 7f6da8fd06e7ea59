package io.multiverse9.server;

import static io.multiverse9.support.WireClient.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.Poll;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.WireClient;
import io.multiverse9.support.WireClient.Frame;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The wire protocol (SPEC 1) of a real node on a real socket, against a real Redis. */
@ExtendWith(VertxExtension.class)
class NodeProtocolTest {

  static final int OK = 0, BAD_REQUEST = 1, UNKNOWN_OPCODE = 2, FORBIDDEN = 3, TOO_LARGE = 4;
  static final int CREATE = 1, REMOVE = 2, AGGREGATE = 3, METADATA = 4, PING = 5, AUTH = 6;
  static final Pattern ULID = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}");

  static TestNode node;

  @BeforeAll
  static void startNode(Vertx vertx) {
    JsonObject settings = TestNode.settings(TestRedis.get().uri())
      .put("limits", new JsonObject().put("max_frame_bytes", 2 * 1024 * 1024));
    node = TestNode.start(vertx, settings);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String create(WireClient client, byte[] value) throws Exception {
    Frame reply = client.call(CREATE, value);
    assertEquals(OK, reply.status(), reply.text());
    String key = new String(reply.payload(), StandardCharsets.US_ASCII);
    assertTrue(ULID.matcher(key).matches(), "not a ULID: " + key);
    return key;
  }

  /** Parses an AGGREGATE payload (SPEC 1.3) into (status, target, data) triples. */
  static List<Object[]> entries(byte[] payload) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    List<Object[]> entries = new ArrayList<>();
    while (in.hasRemaining()) {
      int status = in.get() & 0xFF;
      byte[] target = new byte[in.getShort() & 0xFFFF];
      in.get(target);
      byte[] data = new byte[in.getInt()];
      in.get(data);
      entries.add(new Object[] {status, new String(target, StandardCharsets.UTF_8), data});
    }
    return entries;
  }

  @Test
  void createAggregateRemoveRoundTripInBinary() throws Exception {
    try (WireClient client = node.connect()) {
      byte[] value = "Hello, World!".getBytes(StandardCharsets.UTF_8);
      String key = create(client, value);

      Frame found = client.call(AGGREGATE, key + "\0" + key.toLowerCase() + "\0\0");
      assertEquals(OK, found.status());
      List<Object[]> entries = entries(found.payload());
      assertEquals(2, entries.size(), "one entry per target, empty segments ignored");
      assertEquals(0, entries.get(0)[0]);
      assertEquals(key, entries.get(0)[1]);
      assertArrayEquals(value, (byte[]) entries.get(0)[2]);
      assertEquals(key.toLowerCase(), entries.get(1)[1], "the target is echoed as the client sent it");
      assertArrayEquals(value, (byte[]) entries.get(1)[2]);

      Frame removed = client.call(REMOVE, key + "\0");
      assertEquals(OK, removed.status());
      assertArrayEquals(new byte[] {0, 0, 0, 1}, removed.payload());
      assertArrayEquals(new byte[] {0, 0, 0, 0}, client.call(REMOVE, key).payload(), "removed only once");

      List<Object[]> gone = entries(client.call(AGGREGATE, key).payload());
      assertEquals(1, gone.get(0)[0], "NOT_FOUND after REMOVE");
      assertEquals(0, ((byte[]) gone.get(0)[2]).length);
    }
  }

  @Test
  void exactResponseBytesForPingAndUnknownOpcode() throws Exception {
    try (WireClient client = node.connect()) {
      client.write(frame(PING, "abc"));
      byte[] expected = {
        0x00, 0x00,             // status OK
        0x00, 0x00, 0x00, 0x03, // length 3
        'a', 'b', 'c'           // the same bytes
      };
      byte[] actual = client.input().readNBytes(expected.length);
      assertArrayEquals(expected, actual);

      Frame unknown = client.call(0x0042, "whatever");
      assertEquals(UNKNOWN_OPCODE, unknown.status());
      assertTrue(unknown.text().contains("0x0042"), unknown.text());
      assertEquals(OK, client.call(PING, "still here").status(), "the connection stays usable");
    }
  }

  @Test
  void badRequests() throws Exception {
    try (WireClient client = node.connect()) {
      assertEquals(BAD_REQUEST, client.call(CREATE, new byte[0]).status(), "empty CREATE");
      assertEquals(BAD_REQUEST, client.call(REMOVE, "\0\0").status(), "no keys");
      assertEquals(BAD_REQUEST, client.call(AGGREGATE, "").status(), "no targets");
      assertEquals(BAD_REQUEST, client.call(PING, new byte[1025]).status(), "PING over 1 KiB");

      String key = create(client, new byte[] {1});
      Frame remote = client.call(REMOVE, key + "\0" + key + "@127.0.0.1:7002");
      assertEquals(BAD_REQUEST, remote.status());
      assertTrue(remote.text().contains("remote removal"), remote.text());
      Frame notUlid = client.call(REMOVE, key + "\0" + "NOTAKEY");
      assertEquals(BAD_REQUEST, notUlid.status());
      assertTrue(notUlid.text().contains("NOTAKEY"), "the message names the bad key: " + notUlid.text());
      assertEquals(0, ((byte[]) entries(client.call(AGGREGATE, key).payload()).get(0)[2]).length - 1,
        "one bad key rejects the whole REMOVE: the good key is still there");
    }
  }

  @Test
  void aggregateEntryStatusesPerTarget() throws Exception {
    try (WireClient client = node.connect()) {
      String key = create(client, "v".getBytes());
      String self = key + "@" + node.settings().addr();
      String[] targets = {key, "NOTAKEY", key + "@", key + "@host", key + "@host:99999", key + "@[::1",
        key + "@10.9.8.7:7002", self, key};
      Frame reply = client.call(AGGREGATE, String.join("\0", targets));
      assertEquals(OK, reply.status());
      List<Object[]> entries = entries(reply.payload());
      int[] expected = {0, 2, 2, 2, 2, 2, 3, 0, 0};
      assertEquals(targets.length, entries.size());
      for (int i = 0; i < targets.length; i++) {
        assertEquals(targets[i], entries.get(i)[1], "entries come in request order");
        assertEquals(expected[i], entries.get(i)[0], "status of " + targets[i]);
      }
    }
  }

  @Test
  void moreTargetsThanTheLimitIsBadRequest() throws Exception {
    try (WireClient client = node.connect()) {
      String key = create(client, "v".getBytes());
      String many = String.join("\0", java.util.Collections.nCopies(4097, key));
      assertEquals(BAD_REQUEST, client.call(AGGREGATE, many).status());
      String limit = String.join("\0", java.util.Collections.nCopies(4096, key));
      Frame reply = client.call(AGGREGATE, limit);
      assertEquals(OK, reply.status());
      assertEquals(4096, entries(reply.payload()).size(), "duplicate targets are answered each time");
    }
  }

  /** Repeated keys among others, past the count where the node fetches each key once: every entry is its own. */
  @Test
  void repeatedKeysAmongOthersAreEachAnsweredWithTheirOwnValue() throws Exception {
    try (WireClient client = node.connect()) {
      String a = create(client, "value a".getBytes());
      String b = create(client, "value b".getBytes());
      String missing = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        targets.add(i % 3 == 0 ? a : i % 3 == 1 ? missing : b.toLowerCase());
      }
      Frame reply = client.call(AGGREGATE, String.join("\0", targets));
      assertEquals(OK, reply.status());
      List<Object[]> entries = entries(reply.payload());
      assertEquals(50, entries.size());
      for (int i = 0; i < 50; i++) {
        assertEquals(targets.get(i), entries.get(i)[1], "entries in request order, targets as sent");
        String expected = i % 3 == 0 ? "value a" : i % 3 == 1 ? null : "value b";
        assertEquals(expected == null ? 1 : 0, entries.get(i)[0], "status of entry " + i);
        if (expected != null) {
          assertEquals(expected, new String((byte[]) entries.get(i)[2], StandardCharsets.UTF_8), "entry " + i);
        }
      }
    }
  }

  @Test
  void textLines() throws Exception {
    try (WireClient client = node.connect()) {
      client.write("CREATE Hello, World!  with  spaces\r\n");
      JsonObject created = new JsonObject(client.readLine());
      assertEquals("OK", created.getString("status"));
      String key = created.getString("key");
      assertTrue(ULID.matcher(key).matches());

      client.write("aggregate " + key + " NOTAKEY " + key + "@10.1.2.3:7002\n");
      JsonObject aggregated = new JsonObject(client.readLine());
      JsonArray entries = aggregated.getJsonArray("entries");
      assertEquals("FOUND", entries.getJsonObject(0).getString("status"));
      assertEquals("Hello, World!  with  spaces", entries.getJsonObject(0).getString("value"));
      assertEquals("INVALID_KEY", entries.getJsonObject(1).getString("status"));
      assertEquals("FORBIDDEN", entries.getJsonObject(2).getString("status"));
      assertTrue(entries.getJsonObject(2).getString("message").contains("not an acknowledged node"));

      client.write("PING hello\nMETADATA\nNOPE x\n");
      assertEquals("hello", new JsonObject(client.readLine()).getString("value"));
      JsonObject metadata = new JsonObject(client.readLine()).getJsonObject("metadata");
      assertEquals(node.settings().name(), metadata.getString("name"));
      assertEquals(1, metadata.getInteger("protocol"));
      assertEquals("UNKNOWN_OPCODE", new JsonObject(client.readLine()).getString("status"));

      client.write("REMOVE " + key + "\n");
      assertEquals(1, new JsonObject(client.readLine()).getInteger("removed"));
    }
  }

  @Test
  void binaryValueInTextIsBase64() throws Exception {
    try (WireClient client = node.connect()) {
      byte[] value = {0x00, (byte) 0xFF, (byte) 0xFE, 'x'};
      String key = create(client, value);
      client.write("AGGREGATE " + key + "\n");
      JsonObject entry = new JsonObject(client.readLine()).getJsonArray("entries").getJsonObject(0);
      assertArrayEquals(value, Base64.getDecoder().decode(entry.getString("value_base64")));
    }
  }

  @Test
  void binaryAndTextMixOnOneConnection() throws Exception {
    try (WireClient client = node.connect()) {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      batch.write(frame(PING, "one"));
      batch.write("PING two\n".getBytes());
      batch.write(frame(PING, "three"));
      client.write(batch.toByteArray());
      assertEquals("one", client.readFrame().text());
      assertEquals("two", new JsonObject(client.readLine()).getString("value"));
      assertEquals("three", client.readFrame().text());
    }
  }

  @Test
  void answersComeInRequestOrderEvenWhenLaterOnesFinishFirst() throws Exception {
    try (WireClient client = node.connect()) {
      String key = create(client, new byte[1000]);
      // a 4096-key MGET takes far longer than a PING, which never leaves the node
      String slow = String.join("\0", java.util.Collections.nCopies(4096, key));
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 20; i++) {
        batch.write(frame(AGGREGATE, slow));
        batch.write(frame(PING, "p" + i));
      }
      client.write(batch.toByteArray());
      for (int i = 0; i < 20; i++) {
        Frame aggregate = client.readFrame();
        assertEquals(OK, aggregate.status());
        assertEquals(4096, entries(aggregate.payload()).size());
        assertEquals("p" + i, client.readFrame().text());
      }
    }
  }

  @Test
  void pipelinedRequestsTakeEffectInOrder() throws Exception {
    try (WireClient client = node.connect()) {
      for (int round = 0; round < 20; round++) {
        String key = create(client, "x".getBytes());
        client.write(frame(AGGREGATE, key));
        client.write(frame(REMOVE, key));
        client.write(frame(AGGREGATE, key));
        assertEquals(0, entries(client.readFrame().payload()).get(0)[0], "read before the REMOVE sees the value");
        assertArrayEquals(new byte[] {0, 0, 0, 1}, client.readFrame().payload());
        assertEquals(1, entries(client.readFrame().payload()).get(0)[0], "read after the REMOVE does not");
      }
    }
  }

  @Test
  void thousandsOfPipelinedCreatesInOneWrite() throws Exception {
    try (WireClient client = node.connect()) {
      int n = 5000;
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < n; i++) {
        batch.write(frame(CREATE, "value-" + i));
      }
      client.write(batch.toByteArray());
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Frame reply = client.readFrame();
        assertEquals(OK, reply.status());
        keys.add(reply.text());
      }
      for (int i = 1; i < n; i++) {
        assertTrue(keys.get(i - 1).compareTo(keys.get(i)) < 0,
          "keys sort in creation order, but key " + i + " " + keys.get(i) + " <= " + keys.get(i - 1));
      }
      assertEquals(n, keys.stream().distinct().count(), "no key is reused");
      Frame check = client.call(AGGREGATE, keys.get(0) + "\0" + keys.get(n - 1));
      List<Object[]> entries = entries(check.payload());
      assertEquals("value-0", new String((byte[]) entries.get(0)[2]));
      assertEquals("value-" + (n - 1), new String((byte[]) entries.get(1)[2]));
    }
  }

  @Test
  void halfClosedConnectionStillGetsEveryAnswer() throws Exception {
    try (WireClient client = node.connect()) {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 200; i++) {
        batch.write(frame(CREATE, "half-" + i));
      }
      client.write(batch.toByteArray());
      client.shutdownOutput();
      for (int i = 0; i < 200; i++) {
        assertEquals(OK, client.readFrame().status(), "answer " + i);
      }
      client.assertClosedByPeer();
    }
  }

  @Test
  void anIncompleteRequestAtTheEndOfInputIsNotAnswered() throws Exception {
    for (byte[] partial : new byte[][] {"CREATE no newline".getBytes(), java.util.Arrays.copyOf(frame(CREATE, "half"), 8),
        new byte[] {0x00, 0x01, 0x00}}) {
      try (WireClient client = node.connect()) {
        client.write(frame(PING, "complete"));
        client.write(partial);
        client.shutdownOutput();
        assertEquals("complete", client.readFrame().text());
        client.assertClosedByPeer();
      }
    }
  }

  @Test
  void unknownFirstByteIsBadRequestThenClose() throws Exception {
    try (WireClient client = node.connect()) {
      client.write(new byte[] {(byte) 0xF0, 0x00});
      Frame reply = client.readFrame();
      assertEquals(BAD_REQUEST, reply.status());
      assertTrue(reply.text().contains("0xF0"), reply.text());
      client.assertClosedByPeer();
    }
  }

  @Test
  void earlierAnswersArriveBeforeTheFatalOne() throws Exception {
    try (WireClient client = node.connect()) {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      batch.write(frame(PING, "first"));
      batch.write(new byte[] {0x00, 0x01, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // CREATE of 2 GiB
      batch.write(frame(PING, "never"));
      client.write(batch.toByteArray());
      assertEquals("first", client.readFrame().text());
      assertEquals(TOO_LARGE, client.readFrame().status());
      client.assertClosedByPeer();
    }
  }

  @Test
  void frameOverTheLimitIsTooLargeWithoutReadingThePayload() throws Exception {
    try (WireClient client = node.connect()) {
      int limit = node.settings().limits().maxFrameBytes();
      // only the header: the node must answer without waiting for the payload it announced
      client.write(ByteBuffer.allocate(6).putShort((short) CREATE).putInt(limit + 1).array());
      Frame reply = client.readFrame();
      assertEquals(TOO_LARGE, reply.status());
      assertTrue(reply.text().contains("max_frame_bytes"), reply.text());
      client.assertClosedByPeer();
    }
    try (WireClient client = node.connect()) {
      byte[] exactly = new byte[node.settings().limits().maxFrameBytes()];
      exactly[0] = 1;
      assertEquals(OK, client.call(CREATE, exactly).status(), "a frame of exactly the limit is fine");
    }
  }

  @Test
  void textLineOverTheLimitIsTooLarge() throws Exception {
    try (WireClient client = node.connect()) {
      byte[] line = new byte[node.settings().limits().maxFrameBytes() + 10];
      java.util.Arrays.fill(line, (byte) 'a');
      line[line.length - 1] = '\n';
      client.write(line);
      JsonObject reply = new JsonObject(client.readLine());
      assertEquals("TOO_LARGE", reply.getString("status"));
      client.assertClosedByPeer();
    }
  }

  @Test
  void metadataInBinary() throws Exception {
    try (WireClient client = node.connect()) {
      Frame reply = client.call(METADATA, new byte[0]);
      assertEquals(OK, reply.status());
      JsonObject json = new JsonObject(reply.text());
      assertEquals(node.settings().name(), json.getString("name"));
      assertEquals("0.1.0", json.getString("version"));
      assertEquals("127.0.0.1:" + node.port(), json.getString("addr"));
      assertEquals(true, json.getBoolean("open_metadata"));
      assertEquals(false, json.getBoolean("open_interactions"));
      assertEquals(new JsonArray(), json.getJsonArray("nodes"));
      // the node runs in this JVM: it cannot have been up longer than the JVM, and its uptime goes on
      long uptime = json.getLong("uptime_ms");
      assertTrue(uptime >= 0 && uptime <= java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
        "uptime_ms " + uptime);
      Poll.until("uptime_ms grows past " + uptime, Duration.ofSeconds(5),
        () -> new JsonObject(client.call(METADATA, new byte[0]).text()).getLong("uptime_ms"), later -> later > uptime);
      JsonObject memory = json.getJsonObject("memory");
      long heapUsed = memory.getLong("heap_used_bytes");
      assertTrue(heapUsed > 0 && heapUsed <= memory.getLong("heap_max_bytes"), memory.encode());
      assertTrue(memory.getLong("rss_bytes") > heapUsed / 2, "a resident set on Linux: " + memory.encode());
    }
  }

  @Test
  void authWithoutATokenConfiguredIsForbidden() throws Exception {
    try (WireClient client = node.connect()) {
      assertEquals(FORBIDDEN, client.call(AUTH, "anything").status());
    }
  }

  /**
   * The AGGREGATE answer a client expects, built here from SPEC 1.1 and 1.3 rather than by the node's encoder:
   * FOUND with the value for each key of {@code values}, NOT_FOUND (empty data) for any other target.
   */
  static byte[] aggregateFrame(List<String> targets, java.util.Map<String, byte[]> values) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (String target : targets) {
      byte[] value = values.get(target);
      byte[] data = value == null ? new byte[0] : value;
      byte[] name = target.getBytes(StandardCharsets.UTF_8);
      payload.write(value == null ? 1 : 0);
      payload.writeBytes(ByteBuffer.allocate(2).putShort((short) name.length).array());
      payload.writeBytes(name);
      payload.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
      payload.writeBytes(data);
    }
    return ByteBuffer.allocate(6 + payload.size()).putShort((short) OK).putInt(payload.size())
      .put(payload.toByteArray()).array();
  }

  /** Keys of values of many lengths and bytes (0x00 and 0xFF among them), by key. */
  static java.util.Map<String, byte[]> createValues(WireClient client, int n) throws Exception {
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] value = new byte[1 + (i * 37) % 200];
      for (int j = 0; j < value.length; j++) {
        value[j] = (byte) (i * 31 + j * 7);
      }
      values.add(value);
      batch.write(frame(CREATE, value));
    }
    client.write(batch.toByteArray());
    java.util.Map<String, byte[]> byKey = new java.util.LinkedHashMap<>();
    for (byte[] value : values) {
      Frame created = client.readFrame();
      assertEquals(OK, created.status(), created.text());
      byKey.put(created.text(), value);
    }
    return byKey;
  }

  static void assertNextBytes(WireClient client, byte[] expected, String what) throws Exception {
    assertArrayEquals(expected, client.input().readNBytes(expected.length), what);
  }

  static byte[] pingFrame(String echo) {
    return frame(OK, echo); // status OK, the length, the bytes: the same layout as the request's
  }

  /** A turn with one answer, the common case: the AGGREGATE's frame to the byte, and nothing after it. */
  @Test
  void oneAggregateAnswerComesBackToTheByte() throws Exception {
    try (WireClient client = node.connect()) {
      java.util.Map<String, byte[]> values = createValues(client, 100);
      List<String> targets = new ArrayList<>(values.keySet());
      targets.add(3, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
      targets.add("01ARZ3NDEKTSV4RRFFQ69G5FAW");
      client.write(frame(AGGREGATE, String.join("\0", targets)));
      assertNextBytes(client, aggregateFrame(targets, values), "the AGGREGATE answer");
      client.write(frame(PING, "after"));
      assertNextBytes(client, pingFrame("after"), "the next answer starts right after the AGGREGATE's last byte");
    }
  }

  /**
   * Pipelined requests answered in one turn or a few: answers of known length (AGGREGATE, CREATE, PING, an empty
   * PING), then the same with answers of other kinds among them (an error, METADATA, a text line), each to the byte
   * where the test can know it, and in the order of the requests.
   */
  @Test
  void pipelinedMixedAnswersComeBackToTheByteInOrder() throws Exception {
    try (WireClient client = node.connect()) {
      java.util.Map<String, byte[]> values = createValues(client, 20);
      List<String> targets = new ArrayList<>(values.keySet());
      targets.add(0, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
      List<String> few = List.of(targets.get(5), targets.get(0), targets.get(9));
      byte[] many = aggregateFrame(targets, values);
      byte[] small = aggregateFrame(few, values);

      ByteArrayOutputStream exact = new ByteArrayOutputStream();
      exact.write(frame(AGGREGATE, String.join("\0", targets)));
      exact.write(frame(CREATE, "one"));
      exact.write(frame(PING, "ping one"));
      exact.write(frame(PING, new byte[0]));
      exact.write(frame(AGGREGATE, String.join("\0", few)));
      exact.write(frame(CREATE, "two"));
      client.write(exact.toByteArray());
      assertNextBytes(client, many, "AGGREGATE");
      String one = created(client);
      assertNextBytes(client, pingFrame("ping one"), "PING");
      assertNextBytes(client, pingFrame(""), "empty PING");
      assertNextBytes(client, small, "second AGGREGATE");
      String two = created(client);

      ByteArrayOutputStream mixed = new ByteArrayOutputStream();
      mixed.write(frame(AGGREGATE, String.join("\0", targets)));
      mixed.write(frame(CREATE, "three"));
      mixed.write(frame(PING, "ping two"));
      mixed.write(frame(REMOVE, "\0\0"));
      mixed.write(frame(METADATA, new byte[0]));
      mixed.write("PING as text\n".getBytes(StandardCharsets.US_ASCII));
      mixed.write(frame(0x0042, "x"));
      mixed.write(frame(AGGREGATE, String.join("\0", few)));
      mixed.write(frame(PING, "last"));
      client.write(mixed.toByteArray());
      assertNextBytes(client, many, "AGGREGATE before the others");
      String three = created(client);
      assertNextBytes(client, pingFrame("ping two"), "PING");
      Frame error = client.readFrame();
      assertEquals(BAD_REQUEST, error.status(), error.text());
      assertTrue(error.text().length() > 0, "an error says why");
      Frame metadata = client.readFrame();
      assertEquals(OK, metadata.status());
      assertEquals(node.settings().name(), new JsonObject(metadata.text()).getString("name"));
      assertEquals(new JsonObject().put("status", "OK").put("value", "as text"), new JsonObject(client.readLine()));
      Frame unknown = client.readFrame();
      assertEquals(UNKNOWN_OPCODE, unknown.status(), unknown.text());
      assertNextBytes(client, small, "AGGREGATE after the others");
      assertNextBytes(client, pingFrame("last"), "the last PING");
      assertArrayEquals("one".getBytes(), client.foundValue(one));
      assertArrayEquals("two".getBytes(), client.foundValue(two));
      assertArrayEquals("three".getBytes(), client.foundValue(three));
    }
  }

  /** A CREATE's answer: OK and a key, which is checked to hold the value once every answer has been read. */
  static String created(WireClient client) throws Exception {
    Frame created = client.readFrame();
    assertEquals(OK, created.status(), created.text());
    assertTrue(ULID.matcher(created.text()).matches(), "not a ULID: " + created.text());
    return created.text();
  }
}
