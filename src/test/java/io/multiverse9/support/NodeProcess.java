package io.multiverse9.support;

import io.multiverse9.cli.Main;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node in a JVM of its own, started with {@code run} as a user would, on the test's classpath. */
public final class NodeProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+),");
  private static final Pattern METRICS = Pattern.compile("metrics on http://\\S+:(\\d+)/metrics");

  private final Process process;
  private final List<String> output;
  private final String host;
  private final int port;
  /** From the start line; -1 without {@code metrics.addr}. */
  private final int metricsPort;

  private NodeProcess(Process process, List<String> output, String host, int port, int metricsPort) {
    this.process = process;
    this.output = output;
    this.host = host;
    this.port = port;
    this.metricsPort = metricsPort;
  }

  /** Starts the JVM running {@code Main args...} in {@code workDir}, output merged. */
  public static Process java(Path workDir, String... args) throws IOException {
    return new ProcessBuilder(javaCommand(args)).directory(workDir.toFile()).redirectErrorStream(true).start();
  }

  /** The command line that runs {@code Main args...} on the test's classpath; out of memory, the node exits as deployed nodes do. */
  public static List<String> javaCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-XX:+ExitOnOutOfMemoryError", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** Writes the settings, runs the node and waits for its start line. */
  public static NodeProcess start(Path dir, JsonObject settings) throws IOException {
    return start(dir, settings, new String[0]);
  }

  /** Writes the settings, runs the node with {@code runOptions} added (e.g. {@code -d}) and waits for its start line. */
  public static NodeProcess start(Path dir, JsonObject settings, String... runOptions) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("settings.json");
    Files.writeString(file, settings.encodePrettily());
    return start(dir, file, Map.of(), runOptions);
  }

  /**
   * Runs the node on the settings file or directory {@code settings}, in {@code dir}, with {@code env} added to
   * its environment (as a container's {@code -e} would), and waits for its start line.
   */
  public static NodeProcess start(Path dir, Path settings, Map<String, String> env) throws IOException {
    return start(dir, settings, env, new String[0]);
  }

  /**
   * Writes the settings and runs the node with {@code prefix} before the java command, such as
   * {@code ip netns exec NS} (which execs, so the process is still the node's JVM), and waits for its start line.
   */
  public static NodeProcess startWithPrefix(List<String> prefix, Path dir, JsonObject settings) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("settings.json");
    Files.writeString(file, settings.encodePrettily());
    return start(prefix, dir, file, Map.of());
  }

  private static NodeProcess start(Path dir, Path settings, Map<String, String> env, String... runOptions)
    throws IOException {
    return start(List.of(), dir, settings, env, runOptions);
  }

  private static NodeProcess start(List<String> prefix, Path dir, Path settings, Map<String, String> env,
                                   String... runOptions) throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "-s", settings.toString()));
    args.addAll(List.of(runOptions));
    List<String> command = new ArrayList<>(prefix);
    command.addAll(javaCommand(args.toArray(String[]::new)));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      output.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> drain(out, output), "node-output-" + process.pid());
        drain.setDaemon(true);
        drain.start();
        Matcher metrics = METRICS.matcher(line);
        int metricsPort = metrics.find() ? Integer.parseInt(metrics.group(1)) : -1;
        return new NodeProcess(process, output, m.group(1), Integer.parseInt(m.group(2)), metricsPort);
      }
    }
    throw new IllegalStateException("the node ended without its start line: " + output);
  }

  private static void drain(BufferedReader out, List<String> output) {
    try {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        output.add(line);
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** Stops the embedded redis-server of a node that was killed, found by its pid file. */
  public static void stopLeftoverRedis(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("redis.pid");
    if (Files.exists(pidFile)) {
      ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroy);
    }
  }

  /**
   * A port that is free on {@code host} right now, and may be taken by another process before the node binds it:
   * only for an address that must be known before its node starts (a {@code nodes} entry naming it); else give
   * the node port 0 and read {@link #port()} or {@link #metricsPort()}.
   */
  public static int freePort(String host) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }

  public String addr() {
    return host + ":" + port;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The port metrics are served on, as the start line names it (port 0 resolved). */
  public int metricsPort() {
    if (metricsPort < 0) {
      throw new IllegalStateException("the node serves no metrics: " + output);
    }
    return metricsPort;
  }

  public List<String> output() {
    return List.copyOf(output);
  }

  /** The node's JVM, for signals and its exit code. */
  public Process process() {
    return process;
  }

  /** A client connected from {@code localHost} (an address of this machine). */
  public WireClient connectFrom(String localHost) throws IOException {
    return new WireClient(host, port, localHost);
  }

  /** SIGKILL: no drain, no goodbye. */
  public void kill() throws InterruptedException {
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
