package io.multiverse9.cluster;

import io.multiverse9.cli.Main;
import io.multiverse9.support.Poll;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM of a cluster test: a node started with {@code run --cluster} (or another main, the intruder), with system
 * properties of its own, its output kept for the test to wait on.
 */
final class ClusterJvm implements AutoCloseable {

  /**
   * Hazelcast's master waits this many seconds (5 by default) after a join request for more to come, so as to take
   * them in one go: on loopback, with members that start one by one, 1 s lets each in 4 s sooner.
   */
  static final String WAIT_BEFORE_JOIN = "hazelcast.wait.seconds.before.join";
  /**
   * Hazelcast spreads its maps (here only Vert.x's event-bus subscriptions) over 271 partitions by default, and
   * migrates them each time a member joins or leaves: 31 do the same for the tests' few entries in a fraction of
   * the time (the restart of ClusterSplitKillTest's storage JVM: 11 s to 5 s). Every member of a test has it.
   */
  static final String PARTITION_COUNT = "hazelcast.partition.count";
  static final String PARTITIONS = "31";

  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+),");

  private final Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final Thread drain;

  private ClusterJvm(Process process) {
    this.process = process;
    drain = new Thread(this::drain, "cluster-jvm-" + process.pid());
    drain.setDaemon(true);
    drain.start();
  }

  /** {@code run --cluster -s settings.json} in {@code dir}, with {@code properties} as -D options. */
  static ClusterJvm node(Path dir, JsonObject settings, List<String> properties) throws IOException {
    Path file = writeSettings(dir, settings);
    return start(dir, properties, Main.class.getName(), "run", "--cluster", "-s", file.toString());
  }

  static Path writeSettings(Path dir, JsonObject settings) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("settings.json");
    Files.writeString(file, settings.encodePrettily());
    return file;
  }

  static ClusterJvm start(Path dir, List<String> properties, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-XX:+ExitOnOutOfMemoryError", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-D" + WAIT_BEFORE_JOIN + "=1", "-D" + PARTITION_COUNT + "=" + PARTITIONS));
    command.addAll(properties);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Files.createDirectories(dir);
    return new ClusterJvm(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start());
  }

  private void drain() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
      StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        output.add(line);
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** Waits until a line matches {@code wanted}, or the process has ended; the line, or {@code null}. */
  String awaitLine(Predicate<String> wanted, long timeoutMs) throws Exception {
    Poll.until("a line of output matches, or the JVM ends", Duration.ofMillis(timeoutMs),
      () -> firstLine(wanted) != null || !process.isAlive(), this::output);
    if (!process.isAlive()) {
      drain.join(10_000); // the drain has read its last lines
    }
    return firstLine(wanted);
  }

  private String firstLine(Predicate<String> wanted) {
    synchronized (output) {
      return output.stream().filter(wanted).findFirst().orElse(null);
    }
  }

  /** Waits until the JVM has ended and all its output is read; its exit code. */
  int awaitExit(long timeoutMs) throws InterruptedException {
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("still running: " + output());
    }
    drain.join(10_000);
    return process.exitValue();
  }

  /** Waits for the start line of a node that has a listener; its port. */
  int awaitListening(long timeoutMs) throws Exception {
    String line = awaitLine(l -> LISTENING.matcher(l).find(), timeoutMs);
    if (line == null) {
      throw new IllegalStateException("no start line: " + output());
    }
    Matcher m = LISTENING.matcher(line);
    m.find();
    return Integer.parseInt(m.group(2));
  }

  /** Waits for the start line of a node without a listener (roles without node). */
  void awaitRunning(long timeoutMs) throws Exception {
    if (awaitLine(l -> l.contains("running roles"), timeoutMs) == null) {
      throw new IllegalStateException("no start line: " + output());
    }
  }

  /** The last lines of output, for a failure message. */
  List<String> output() {
    synchronized (output) {
      return List.copyOf(output.subList(Math.max(0, output.size() - 15), output.size()));
    }
  }

  /** Whether any line of output so far contains {@code text}. */
  boolean printed(String text) {
    synchronized (output) {
      return output.stream().anyMatch(l -> l.contains(text));
    }
  }

  Process process() {
    return process;
  }

  /** SIGKILL: no goodbye to the cluster. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
