package io.multiverse9.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.cli.Main;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.Untimed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * README.md says what a newcomer sees: its {@code console} blocks are run as written, one bash session for all of
 * them, against a node on the default settings (conf/node.json), and must print what the README shows, keys and
 * the node's clock and memory aside. Its other commands must parse, its settings example must be accepted, and
 * the form of {@code redis_uri} is written one way in the README, docs/SETTINGS.md and {@code setup --help}.
 */
@ExtendWith(VertxExtension.class)
@Untimed
class ReadmeTest {

  static final Path README = Path.of("README.md");
  static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```");
  /** A ULID as the node makes them: 26 characters of Crockford's base 32, the first at most 7. */
  static final Pattern ULID = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}");
  /** A line of {@code od -A n -t x1z}: bytes in hex, then the printable ones between {@code >} and {@code <}. */
  static final Pattern OD_LINE = Pattern.compile("((?: [0-9a-f]{2})+) +>.*<");
  static final Pattern VARYING = Pattern.compile("\"(uptime_ms|heap_used_bytes|heap_max_bytes|rss_bytes)\":\\d+");
  static final String REDIS_URI_FORM = "`redis://[user:password@]host:port[/db]`, `rediss://...`, `unix://...`, "
    + "or `embedded`";

  record Step(String command, List<String> output) {
  }

  static List<String> blocks(String language) throws Exception {
    List<String> blocks = new ArrayList<>();
    Matcher m = FENCE.matcher(Files.readString(README));
    while (m.find()) {
      if (m.group(1).equals(language)) {
        blocks.add(m.group(2));
      }
    }
    return blocks;
  }

  /** Every {@code $ command} of the console blocks, in order, with the lines shown after it. */
  static List<Step> tour() throws Exception {
    List<Step> steps = new ArrayList<>();
    for (String block : blocks("console")) {
      for (String line : block.split("\n")) {
        if (line.startsWith("$ ")) {
          steps.add(new Step(line.substring(2), new ArrayList<>()));
        } else {
          assertFalse(steps.isEmpty(), "a console block starts with output: " + line);
          steps.get(steps.size() - 1).output().add(line);
        }
      }
    }
    return steps;
  }

  @Test
  void theQuickTourPrintsWhatTheReadmeShows(@TempDir Path dir, Vertx vertx) throws Exception {
    List<Step> steps = tour();
    if (!ProtocolRespExampleTest.redisCliInstalled()) {
      // its block stands alone, so the rest of the tour runs without it
      System.out.println("README's redis-cli steps not run: redis-cli is not installed (Debian: redis-tools)");
      steps = steps.stream().filter(step -> !step.command().contains("redis-cli")).toList();
    }
    assertTrue(steps.size() >= 10, "the tour has " + steps.size() + " commands: is the console pattern still right?");
    JsonObject settings = new JsonObject(Files.readString(Path.of("conf/node.json")))
      .put("addr", "127.0.0.1:0")
      .put("redis_uri", TestRedis.get().uri())
      .put("key_prefix", "tour:" + UUID.randomUUID() + ":")
      .put("data_dir", dir.resolve("data").toString());
    try (TestNode node = TestNode.start(vertx, settings)) {
      int port = node.port();
      StringBuilder script = new StringBuilder("exec 2>&1\n")
        // ./launcher.sh is the project's client on the test's classes, pointed at the test's node
        .append("./launcher.sh() { \"$TOUR_JAVA\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp \"$TOUR_CP\" ")
        .append(Main.class.getName()).append(" \"$1\" -p \"$TOUR_PORT\" \"${@:2}\"; }\n");
      for (int i = 0; i < steps.size(); i++) {
        script.append("printf '\\036%d\\n' ").append(i).append('\n')
          .append(steps.get(i).command().replace("/dev/tcp/127.0.0.1/7001", "/dev/tcp/127.0.0.1/" + port)
            .replace("redis-cli -p 7001", "redis-cli -p " + port))
          .append('\n');
      }
      script.append("printf '\\036end\\n'\n");
      Path file = dir.resolve("tour.sh");
      Files.writeString(file, script);
      ProcessBuilder bash = new ProcessBuilder("bash", file.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      bash.environment().put("TOUR_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
      bash.environment().put("TOUR_CP", System.getProperty("java.class.path"));
      bash.environment().put("TOUR_PORT", Integer.toString(port));
      Process process = bash.start();
      byte[] out = process.getInputStream().readAllBytes();
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the tour did not finish");
      // the test's classpath has Testcontainers' slf4j-api without a provider, which says so; the jar has neither
      String transcript = new String(out, StandardCharsets.ISO_8859_1).replaceAll("(?m)^SLF4J: .*\n", "");
      String[] parts = transcript.split("\u001e", -1);
      assertEquals(steps.size() + 2, parts.length, "every command ran:\n" + transcript);
      assertEquals("end\n", parts[parts.length - 1], transcript);
      for (int i = 0; i < steps.size(); i++) {
        String part = parts[i + 1];
        String shown = part.substring(part.indexOf('\n') + 1);
        List<String> actual = shown.isEmpty() ? List.of() : List.of(shown.split("\n", -1));
        if (!actual.isEmpty() && actual.get(actual.size() - 1).isEmpty()) {
          actual = actual.subList(0, actual.size() - 1);
        }
        assertEquals(normalize(steps.get(i).output()),
          normalize(actual).replace("127.0.0.1:" + port, "127.0.0.1:7001"),
          "README.md shows another output for: $ " + steps.get(i).command());
      }
    }
  }

  /**
   * What must match between the README and a run: the lines, with keys as {@code <KEY>}, the node's uptime and
   * memory as {@code <N>}, and a hex dump as the bytes it shows (so that a key inside it is a key too).
   */
  static String normalize(List<String> lines) {
    StringBuilder text = new StringBuilder();
    ByteArrayOutputStream dump = new ByteArrayOutputStream();
    for (String line : lines) {
      Matcher od = OD_LINE.matcher(line);
      if (od.matches()) {
        dump.writeBytes(HexFormat.of().parseHex(od.group(1).replace(" ", "")));
        continue;
      }
      flushDump(dump, text);
      text.append(line).append('\n');
    }
    flushDump(dump, text);
    return VARYING.matcher(ULID.matcher(text).replaceAll("<KEY>")).replaceAll("\"$1\":<N>");
  }

  static void flushDump(ByteArrayOutputStream dump, StringBuilder text) {
    if (dump.size() == 0) {
      return;
    }
    String bytes = ULID.matcher(dump.toString(StandardCharsets.ISO_8859_1)).replaceAll("\u0001KEY\u0001");
    text.append("bytes:");
    for (char c : bytes.toCharArray()) {
      text.append(c == 1 ? "|" : c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    text.append('\n');
    dump.reset();
  }

  @Test
  void theSettingsExampleIsAcceptedAsItIs() throws Exception {
    List<String> json = blocks("json");
    assertEquals(1, json.size(), "one settings example");
    List<String> warnings = new ArrayList<>();
    assertEquals(List.of("127.0.0.1:7002"),
      new SettingsParser(warnings::add).parse(json.get(0)).nodes().stream().map(n -> n.addr().toString()).toList());
    assertEquals(List.of(), warnings);
  }

  @Test
  void everyLauncherCommandOfTheReadmeParses(@TempDir Path dir) throws Exception {
    // bash reads the sh blocks, so that quotes and substitutions count as they will; ./launcher.sh only records
    // what it is given, and prints a key for "key=$(./launcher.sh create ...)"
    Path calls = dir.resolve("calls");
    StringBuilder script = new StringBuilder("mvn() { :; }\n./launcher.sh() { printf '%s\\037' \"$@\" >> \"")
      .append(calls).append("\"; printf '\\036' >> \"").append(calls).append("\"; echo 01ARZ3NDEKTSV4RRFFQ69G5FAV; }\n");
    blocks("sh").forEach(script::append);
    Files.createDirectories(dir.resolve("conf"));
    Process bash = new ProcessBuilder("bash", "-c", script.toString()).directory(dir.toFile())
      .redirectErrorStream(true).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, bash.exitValue(), output);
    List<String> problems = new ArrayList<>();
    int parsed = 0;
    for (String call : Files.readString(calls).split("\u001e")) {
      if (call.isEmpty()) {
        continue;
      }
      String[] args = call.substring(0, call.length() - 1).split("\u001f", -1);
      try {
        new CommandLine(new Main()).parseArgs(args);
        parsed++;
      } catch (CommandLine.ParameterException e) {
        problems.add("./launcher.sh " + String.join(" ", args) + ": " + e.getMessage());
      }
    }
    assertTrue(parsed >= 10, "too few commands found (" + parsed + ")");
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void theRedisUriIsWrittenOneWay() throws Exception {
    assertTrue(Files.readString(Path.of("docs/SETTINGS.md")).contains(REDIS_URI_FORM), "docs/SETTINGS.md");
    assertTrue(Files.readString(README).replaceAll("\\s+", " ").contains(REDIS_URI_FORM), "README.md");
    String help = new CommandLine(new Main()).getSubcommands().get("setup").getUsageMessage(CommandLine.Help.Ansi.OFF);
    // picocli wraps the help where it likes, even inside a word
    assertTrue(help.replaceAll("\\s+", "").contains(REDIS_URI_FORM.replaceAll("[`\\s]", "")), help);
  }
}
