package io.multiverse9.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * redis-cli, as people who live in it type it, against a node (SPEC 1.7): the commands, an AGGREGATE mixing entry
 * statuses, and AUTH with {@code -a} and with {@code --user default --pass}. It runs Debian's redis-cli (redis-tools,
 * which .ci/run installs); where there is none on PATH the class is skipped with one line saying so.
 */
@ExtendWith(VertxExtension.class)
class RedisCliTest {

  static final String TOKEN = "redis-cli-test-token";
  static final Pattern ULID = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}");
  /** A key no node ever gave out (its time is 1970): NOT_FOUND wherever it is asked for. */
  static final String MISSING = "00000000000000000000000000";

  static String redisCli;
  /** A node on loopback with the default trust_loopback: the test is acknowledged. */
  static TestNode open;
  /** A node with a token that trusts no address: CREATE needs AUTH. */
  static TestNode closed;

  @BeforeAll
  static void start(Vertx vertx) {
    redisCli = onPath("redis-cli");
    if (redisCli == null) {
      System.out.println("[RedisCliTest] redis-cli is not on PATH, skipped (Debian: apt-get install redis-tools)");
    }
    Assumptions.assumeTrue(redisCli != null,
      "redis-cli is not on PATH: install Debian's redis-tools (.ci/run does, as root) to run RedisCliTest");
    open = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri()));
    closed = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri()).put("trust_loopback", false)
      .put("auth", new JsonObject().put("token", TOKEN)));
  }

  @AfterAll
  static void stop() {
    if (open != null) {
      open.close();
    }
    if (closed != null) {
      closed.close();
    }
  }

  @Test
  void createAggregateRemoveAsRedisCliPrintsThem() throws Exception {
    String created = cli(open, "CREATE", "hello from redis-cli");
    assertTrue(ULID.matcher(unquote(created)).matches(), "CREATE prints the key as a string: " + created);
    String key = unquote(created);
    String foreign = MISSING + "@127.0.0.1:1";
    assertEquals(String.join("\n",
        "1) \"hello from redis-cli\"",
        "2) (nil)",
        "3) (error) FORBIDDEN 127.0.0.1:1 is not an acknowledged node",
        "4) (error) INVALID_KEY the key \"not-a-key\" is not a ULID",
        "5) \"hello from redis-cli\""),
      cli(open, "AGGREGATE", key, MISSING, foreign, "not-a-key", key.toLowerCase()),
      "FOUND a string, NOT_FOUND nil, the other statuses error elements, in target order");
    assertEquals("(integer) 1", cli(open, "REMOVE", key, MISSING), "one of the two keys existed");
    assertEquals("1) (nil)", cli(open, "AGGREGATE", key), "removed");
  }

  @Test
  void pingMetadataQuitAndAnUnknownCommand() throws Exception {
    assertEquals("PONG", cli(open, "PING"));
    assertEquals("\"echo me\"", cli(open, "PING", "echo me"));
    JsonObject metadata = new JsonObject(cli(open, "--raw", "METADATA"));
    assertEquals(open.settings().name(), metadata.getString("name"));
    assertEquals(1, metadata.getInteger("protocol"));
    assertEquals("OK", cli(open, "QUIT"));
    String unknown = cli(open, "FLUSHALL");
    assertTrue(unknown.startsWith("(error) ERR unknown command \"FLUSHALL\""), unknown);
  }

  /** On a node that trusts no address, CREATE is refused until AUTH, which redis-cli sends before the command. */
  @Test
  void authWithDashAOrUserAndPassOpensWhatTheTokenGives() throws Exception {
    String refused = cli(closed, "CREATE", "before AUTH");
    assertTrue(refused.startsWith("(error) FORBIDDEN "), "a stranger's CREATE: " + refused);
    assertTrue(refused.contains("AUTH"), "the refusal says what to do: " + refused);

    String withA = unquote(cli(closed, "-a", TOKEN, "--no-auth-warning", "CREATE", "after AUTH token"));
    assertTrue(ULID.matcher(withA).matches(), "-a token: " + withA);
    String withUser = unquote(cli(closed, "--user", "default", "--pass", TOKEN, "--no-auth-warning",
      "CREATE", "after AUTH default token"));
    assertTrue(ULID.matcher(withUser).matches(), "--user default --pass token: " + withUser);
    assertEquals("1) \"after AUTH token\"\n2) \"after AUTH default token\"",
      cli(closed, "-a", TOKEN, "--no-auth-warning", "AGGREGATE", withA, withUser));

    Run wrong = run(closed, "-a", "not-the-token", "--no-auth-warning", "CREATE", "with a wrong token");
    assertTrue(wrong.err.contains("AUTH failed: FORBIDDEN"), "redis-cli reports the refused AUTH: " + wrong.err);
    assertTrue(wrong.out.startsWith("(error) FORBIDDEN "), "and the CREATE is refused: " + wrong.out);
  }

  /** What redis-cli printed on standard output, without the last newline; it must exit 0 within 15 s. */
  static String cli(TestNode node, String... args) throws Exception {
    Run run = run(node, args);
    assertEquals(0, run.code, "redis-cli " + String.join(" ", args) + " exited " + run.code + ": " + run.err);
    return run.out;
  }

  record Run(int code, String out, String err) {
  }

  /**
   * Runs {@code redis-cli --no-raw -p PORT args...}: with {@code --no-raw} it prints as at a terminal (strings
   * quoted, {@code (nil)}, {@code (error)}, {@code (integer)}), which tells the RESP types apart.
   */
  static Run run(TestNode node, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(redisCli, "--no-raw", "-h", "127.0.0.1",
      "-p", Integer.toString(node.port())));
    command.addAll(List.of(args));
    // into files, not pipes: a redis-cli that hangs is then ended at the deadline instead of blocking a read
    Path out = Files.createTempFile("redis-cli", ".out");
    Path err = Files.createTempFile("redis-cli", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("redis-cli " + String.join(" ", args) + " did not end within 15 s");
      }
      return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).stripTrailing(),
        Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static String unquote(String printed) {
    return printed.length() >= 2 && printed.startsWith("\"") && printed.endsWith("\"")
      ? printed.substring(1, printed.length() - 1) : printed;
  }

  /** The executable {@code name} in a directory of PATH, or {@code null}. */
  static String onPath(String name) {
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
