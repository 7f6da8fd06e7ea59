package io.multiverse9.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Jedis, a Redis client from Maven Central, against a node through its generic command call (SPEC 1.7): the node's
 * commands as a {@link ProtocolCommand} of our own, an AGGREGATE mixing FOUND, NOT_FOUND and FORBIDDEN, AUTH as Jedis
 * sends it from its settings, and what it sends by itself on connecting (HELLO 3, then HELLO 2, CLIENT SETINFO),
 * recorded on the way by a relay.
 */
@ExtendWith(VertxExtension.class)
class JedisClientTest {

  static final String TOKEN = "jedis-test-token";
  static final Pattern ULID = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}");
  /** A key no node ever gave out (its time is 1970): NOT_FOUND wherever it is asked for. */
  static final String MISSING = "00000000000000000000000000";

  /** The node's commands, as a Jedis user names commands Jedis does not know. */
  enum Mv9 implements ProtocolCommand {
    CREATE, AGGREGATE, REMOVE, METADATA;

    @Override
    public byte[] getRaw() {
      return SafeEncoder.encode(name());
    }
  }

  /** A node on loopback with the default trust_loopback: the test is acknowledged. */
  static TestNode open;
  /** A node with a token that trusts no address: CREATE needs AUTH. */
  static TestNode closed;

  @BeforeAll
  static void start(Vertx vertx) {
    open = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri()));
    closed = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri()).put("trust_loopback", false)
      .put("auth", new JsonObject().put("token", TOKEN)));
  }

  @AfterAll
  static void stop() {
    open.close();
    closed.close();
  }

  @Test
  void createAggregateRemoveThroughTheGenericCommandCall() {
    try (Jedis jedis = new Jedis("127.0.0.1", open.port())) {
      String key = SafeEncoder.encode((byte[]) jedis.sendCommand(Mv9.CREATE, "hello from jedis"));
      assertTrue(ULID.matcher(key).matches(), key);
      byte[] binary = {0, '\r', '\n', '$', '*', (byte) 0xFF};
      String binaryKey = SafeEncoder.encode((byte[]) jedis.sendCommand(Mv9.CREATE, binary));

      List<?> entries = (List<?>) jedis.sendCommand(Mv9.AGGREGATE, key, MISSING, MISSING + "@127.0.0.1:1",
        binaryKey);
      assertEquals(4, entries.size(), "one element per target");
      assertArrayEquals("hello from jedis".getBytes(StandardCharsets.UTF_8), (byte[]) entries.get(0), "FOUND");
      assertNull(entries.get(1), "NOT_FOUND is nil");
      JedisDataException forbidden = assertInstanceOf(JedisDataException.class, entries.get(2),
        "FORBIDDEN is an error element");
      assertTrue(forbidden.getMessage().startsWith("FORBIDDEN 127.0.0.1:1 is not an acknowledged node"),
        forbidden.getMessage());
      assertArrayEquals(binary, (byte[]) entries.get(3), "any bytes, CR LF and 0x00 included");

      assertEquals(2L, jedis.sendCommand(Mv9.REMOVE, key, binaryKey, MISSING), "two of the three existed");
      assertNull(((List<?>) jedis.sendCommand(Mv9.AGGREGATE, key)).get(0), "removed");
    }
  }

  @Test
  void pingMetadataSelectAndAnUnknownCommandLeaveTheConnectionUsable() {
    try (Jedis jedis = new Jedis("127.0.0.1", open.port())) {
      assertEquals("PONG", jedis.ping());
      assertEquals("echo me", jedis.ping("echo me"));
      JsonObject metadata = new JsonObject(SafeEncoder.encode((byte[]) jedis.sendCommand(Mv9.METADATA)));
      assertEquals(open.settings().name(), metadata.getString("name"));
      assertEquals("OK", jedis.select(0));
      JedisDataException unknown = assertThrows(JedisDataException.class,
        () -> jedis.sendCommand(Protocol.Command.FLUSHALL));
      assertTrue(unknown.getMessage().startsWith("ERR unknown command \"FLUSHALL\""), unknown.getMessage());
      assertEquals("PONG", jedis.ping(), "the connection goes on after an unknown command");
    }
  }

  /** On a node that trusts no address, CREATE is refused until AUTH, whichever way Jedis is told the token. */
  @Test
  void authAsJedisSendsItOpensWhatTheTokenGives() {
    HostAndPort node = new HostAndPort("127.0.0.1", closed.port());
    try (Jedis jedis = new Jedis(node)) {
      JedisDataException refused = assertThrows(JedisDataException.class,
        () -> jedis.sendCommand(Mv9.CREATE, "before AUTH"));
      assertTrue(refused.getMessage().startsWith("FORBIDDEN "), refused.getMessage());
      assertEquals("OK", jedis.auth(TOKEN));
      assertCreates(jedis.sendCommand(Mv9.CREATE, "after jedis.auth(token)"));
    }
    try (Jedis jedis = new Jedis(node, DefaultJedisClientConfig.builder().password(TOKEN).build())) {
      assertCreates(jedis.sendCommand(Mv9.CREATE, "AUTH token on connecting"));
    }
    try (Jedis jedis = new Jedis(node, DefaultJedisClientConfig.builder().user("default").password(TOKEN).build())) {
      assertCreates(jedis.sendCommand(Mv9.CREATE, "AUTH default token on connecting"));
    }
    try (RedisClient client = RedisClient.create("127.0.0.1", closed.port(), "default", TOKEN)) {
      assertCreates(client.sendCommand(Mv9.CREATE, "RedisClient: HELLO 3, AUTH, HELLO 2"));
    }
    JedisException wrong = assertThrows(JedisException.class, () -> {
      try (Jedis jedis = new Jedis(node, DefaultJedisClientConfig.builder().password("not-the-token").build())) {
        jedis.ping();
      }
    });
    assertTrue(String.valueOf(wrong.getMessage()).contains("FORBIDDEN wrong token"), String.valueOf(wrong));
  }

  /**
   * Jedis's RedisClient asks for RESP3 first: HELLO 3 is refused -NOPROTO, it falls back and sends HELLO 2, which
   * must be answered with the map Redis answers it with (else it gives up, as it did before the node took HELLO 2),
   * then CLIENT SETINFO twice; a client name set is sent as CLIENT SETNAME. All recorded on their way to the node.
   */
  @Test
  void whatJedisSendsOnConnectingIsAnsweredSoThatItCarriesOnInResp2() throws Exception {
    try (Tap tap = Tap.start(open.port())) {
      try (RedisClient client = RedisClient.create("127.0.0.1", tap.port())) {
        assertCreates(client.sendCommand(Mv9.CREATE, "through RedisClient"));
      }
      String sent = tap.sent();
      String answered = tap.answered();
      assertTrue(sent.startsWith(resp("HELLO", "3") + resp("HELLO", "2")), "HELLO 3, then HELLO 2: " + sent);
      assertTrue(sent.contains(resp("CLIENT", "SETINFO", "LIB-NAME", "jedis")), sent);
      assertTrue(sent.contains("*4\r\n" + bulks("CLIENT", "SETINFO", "LIB-VER")), sent);
      assertTrue(answered.startsWith("-NOPROTO this node speaks RESP2 only; carry on without HELLO\r\n"
        + "*4\r\n$6\r\nserver\r\n$11\r\nmultiverse9\r\n$5\r\nproto\r\n:2\r\n+OK\r\n+OK\r\n$26\r\n"), answered);
    }
    try (Tap tap = Tap.start(open.port());
         Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", tap.port()),
           DefaultJedisClientConfig.builder().clientName("mv9-jedis-test").build())) {
      assertEquals("PONG", jedis.ping());
      assertTrue(tap.sent().contains(resp("CLIENT", "SETNAME", "mv9-jedis-test")), tap.sent());
    }
  }

  static void assertCreates(Object reply) {
    String key = SafeEncoder.encode((byte[]) reply);
    assertTrue(ULID.matcher(key).matches(), "a key: " + key);
  }

  /** The RESP array of bulk strings a client sends for {@code parts}. */
  static String resp(String... parts) {
    return "*" + parts.length + "\r\n" + bulks(parts);
  }

  static String bulks(String... parts) {
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      out.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
    }
    return out.toString();
  }

  /**
   * A relay between a client and the node that records what goes each way, so that a test sees what a client sends
   * by itself on connecting and what the node answers it, byte for byte.
   */
  static final class Tap implements AutoCloseable {
    private final ServerSocket server;
    private final int nodePort;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final ByteArrayOutputStream answered = new ByteArrayOutputStream();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private Tap(ServerSocket server, int nodePort) {
      this.server = server;
      this.nodePort = nodePort;
    }

    static Tap start(int nodePort) throws IOException {
      Tap tap = new Tap(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), nodePort);
      daemon(tap::accept);
      return tap;
    }

    int port() {
      return server.getLocalPort();
    }

    String sent() {
      synchronized (sent) {
        return sent.toString(StandardCharsets.ISO_8859_1);
      }
    }

    String answered() {
      synchronized (answered) {
        return answered.toString(StandardCharsets.ISO_8859_1);
      }
    }

    private void accept() {
      try {
        while (true) {
          Socket client = server.accept();
          Socket node = new Socket(InetAddress.getLoopbackAddress(), nodePort);
          sockets.add(client);
          sockets.add(node);
          daemon(() -> pump(client, node, sent));
          daemon(() -> pump(node, client, answered));
        }
      } catch (IOException closed) {
        // the tap is closed
      }
    }

    private static void pump(Socket from, Socket to, ByteArrayOutputStream record) {
      byte[] chunk = new byte[8192];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
          synchronized (record) {
            record.write(chunk, 0, n);
          }
          out.write(chunk, 0, n);
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException closed) {
        // one side closed
      }
    }

    private static void daemon(Runnable run) {
      Thread thread = new Thread(run, "jedis-test-tap");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
