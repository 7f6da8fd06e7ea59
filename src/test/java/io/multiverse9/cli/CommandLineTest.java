package io.multiverse9.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.Untimed;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What a person typing commands sees: unknown commands, the version, errors as one line, ping's round trips. */
@ExtendWith(VertxExtension.class)
@Untimed
class CommandLineTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {
  }

  Run run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
      "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
      .redirectError(err.toFile()).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + List.of(args));
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
      Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void anUnknownCommandIsOneLineNamingTheClosestAndExitsTwo() throws Exception {
    Run typo = run("crate", "hello");
    assertEquals(2, typo.exit());
    assertEquals("multiverse9: unknown command crate; did you mean create? (commands: run, setup, create, remove, "
      + "aggregate, metadata, ping, bench, help; --help lists them)\n", typo.err());
    assertEquals("", typo.out());

    Run nonsense = run("frobnicate");
    assertEquals(2, nonsense.exit());
    assertEquals(1, nonsense.err().lines().count(), nonsense.err());
    assertTrue(nonsense.err().startsWith("multiverse9: unknown command frobnicate (commands: "), nonsense.err());

    Run withoutRun = run("-s", "conf/node.json");
    assertEquals(2, withoutRun.exit());
    assertTrue(withoutRun.err().contains("did you mean ./launcher.sh run -s ...?"), withoutRun.err());
    assertFalse(withoutRun.err().contains("\u001b["), "no colour codes when not on a terminal");
  }

  @Test
  void versionIsTheProjectsVersion() throws Exception {
    Run version = run("--version");
    assertEquals(0, version.exit());
    assertTrue(Pattern.matches("multiverse9 \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n", version.out()), version.out());
  }

  @Test
  void setupWithABadRedisUriIsOneLineOnStandardErrorAndNothingOnStandardOutput() throws Exception {
    Run bad = run("setup", "--redis-uri=foo");
    assertEquals(2, bad.exit());
    assertEquals("", bad.out(), "nothing for a '> conf/x.json' to catch");
    assertEquals(1, bad.err().lines().count(), bad.err());
    assertTrue(bad.err().startsWith("multiverse9: redis_uri: "), bad.err());
    assertFalse(bad.err().contains("Exception"), "no class names: " + bad.err());
  }

  @Test
  void createFromAMissingFileSaysWhy() throws Exception {
    Run missing = run("create", "-f", "no-such-value.txt");
    assertEquals(2, missing.exit());
    assertEquals("multiverse9: cannot read the value from no-such-value.txt: no such file\n", missing.err());
  }

  /** Before, the connection failed on it: exit 1, as though the node had not answered. */
  @Test
  void aPortOutOfRangeIsBadUsageNamedInOneLine() throws Exception {
    Run bad = run("metadata", "-p", "70000");
    assertEquals(2, bad.exit(), bad.err());
    assertEquals("multiverse9: port must be between 1 and 65535, not 70000 (-h HOST -p PORT)\n", bad.err());
    assertEquals("", bad.out());
  }

  @Test
  void pingTimesRoundTripsOnOneOpenConnection(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri()));
    Run ping = run("ping", "-p", Integer.toString(node.port()), "-c", "5", "hi");
    assertEquals(0, ping.exit(), ping.err());
    assertTrue(Pattern.matches("hi: 5 round trips on one connection, min [0-9.]+ / avg [0-9.]+ / max [0-9.]+ ms\n",
      ping.out()), ping.out());
  }

  /**
   * launcher.sh run from another directory: Java starts in that directory (so -s and -f paths are the user's), and
   * MV9_HOME names the installation, where run finds its default conf/node.json.
   */
  @Test
  void theLauncherKeepsTheDirectoryItWasRunFrom() throws Exception {
    Path root = Files.createDirectories(dir.resolve("install"));
    Files.copy(Path.of("launcher.sh"), root.resolve("launcher.sh"));
    Files.createDirectories(root.resolve("src/main"));
    Files.writeString(root.resolve("pom.xml"), "");
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target/multiverse9.jar"), ""); // newer than the sources: nothing is built
    Files.setLastModifiedTime(root.resolve("pom.xml"), java.nio.file.attribute.FileTime.fromMillis(0));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$PWD|$MV9_HOME\"\n");
    assertTrue(bin.resolve("java").toFile().setExecutable(true));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    ProcessBuilder launcher = new ProcessBuilder("bash", root.resolve("launcher.sh").toString(), "run", "-s", "my.json")
      .directory(elsewhere.toFile()).redirectErrorStream(true);
    launcher.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
    Process process = launcher.start();
    String seen = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, process.waitFor(), seen);
    assertEquals(elsewhere.toRealPath() + "|" + root.toRealPath(), seen);
  }

  @Test
  void aMissingSettingsFileIsNamedAsGivenRelativeToTheCurrentDirectory() throws Exception {
    Run missing = run("run", "-s", "nowhere.json");
    assertEquals(2, missing.exit());
    assertEquals("multiverse9: settings file nowhere.json does not exist; make one with ./launcher.sh setup "
      + "--redis-uri=embedded > nowhere.json\n", missing.err());
  }
}
