package io.multiverse9.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A redis-server child process on 127.0.0.1, with a random password and its files in one directory. All methods
 * block: call them from a worker ({@code executeBlocking}) or a test thread, never from an event loop.
 *
 * <p>Its configuration, password included, goes in a file only the owner can read, never on the command line
 * where any local user could see it with {@code ps}. A pid file lets the next node on the directory stop a server
 * that a killed node left behind ({@link #stopLeftover}), so that two servers never write the same append-only
 * file.
 */
public final class RedisServerProcess implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RedisServerProcess.class.getName());
  private static final String READY = "Ready to accept connections";
  /** What a sentinel says once it listens and monitors; it never says {@link #READY}. */
  private static final String SENTINEL_READY = "Sentinel ID is";
  private static final long START_TIMEOUT_MS = 15_000;
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Process process;
  private final int port;
  private final String password;
  private final Path binary;

  private RedisServerProcess(Process process, int port, String password, Path binary) {
    this.process = process;
    this.port = port;
    this.password = password;
    this.binary = binary;
  }

  /**
   * Starts a server and waits until it accepts connections.
   *
   * @param dir where its configuration, pid file and (with {@code appendOnly}) data go; created if missing
   * @param appendOnly append-only persistence with fsync every second, else no persistence at all
   */
  public static RedisServerProcess start(Path dir, boolean appendOnly) throws IOException {
    return start(dir, appendOnly, 0, randomPassword());
  }

  /**
   * Starts a server on a given port and password, as when restarting one that clients know.
   *
   * @param port 0 for a free port
   */
  public static RedisServerProcess start(Path dir, boolean appendOnly, int port, String password)
    throws IOException {
    return start(dir, appendOnly, port, password, List.of());
  }

  /**
   * As {@link #start(Path, boolean, int, String)}, with more lines of redis.conf (such as
   * {@code cluster-enabled yes}).
   */
  public static RedisServerProcess start(Path dir, boolean appendOnly, int port, String password,
                                         List<String> extraConfig) throws IOException {
    return start(dir, appendOnly, port, password, extraConfig, false);
  }

  /**
   * A Redis Sentinel ({@code redis-server --sentinel}, the same binary) on a free port, with {@code password} as
   * its own and {@code sentinelConfig} ({@code sentinel monitor ...} and the like) in its configuration file,
   * which Sentinel rewrites as it learns.
   */
  public static RedisServerProcess startSentinel(Path dir, String password, List<String> sentinelConfig)
    throws IOException {
    return start(dir, false, 0, password, sentinelConfig, true);
  }

  private static RedisServerProcess start(Path dir, boolean appendOnly, int port, String password,
                                          List<String> extraConfig, boolean sentinel) throws IOException {
    Files.createDirectories(dir);
    Path absolute = dir.toAbsolutePath();
    Path binary = RedisBinary.locate();
    IOException last = null;
    for (int attempt = 0; attempt < (port == 0 ? 3 : 1); attempt++) {
      int chosen = port == 0 ? freePort() : port;
      Path conf = writeConfig(absolute, chosen, password, appendOnly, extraConfig);
      List<String> command = sentinel ? inASessionOfItsOwn(binary.toString(), conf.toString(), "--sentinel")
        : inASessionOfItsOwn(binary.toString(), conf.toString());
      Process process = new ProcessBuilder(command)
        .directory(absolute.toFile())
        .redirectErrorStream(true)
        .start();
      try {
        awaitReady(process, sentinel ? SENTINEL_READY : READY);
        return new RedisServerProcess(process, chosen, password, binary);
      } catch (IOException e) {
        // most likely another process took the port between our probe and redis-server's bind: try another
        process.destroyForcibly();
        last = e;
      }
    }
    throw last;
  }

  /** A connection string for vertx-redis-client; it holds the password, so never log it. */
  public String uri() {
    return "redis://:" + password + "@127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  public Path binary() {
    return binary;
  }

  public long pid() {
    return process.pid();
  }

  /** Completes with the exit code when the server process ends, however it ends; on the JDK's own thread. */
  public CompletableFuture<Integer> exited() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** SIGKILL: the server ends at once, with whatever it had not yet sent to its replicas or its file. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** Stops the server gracefully (SIGTERM: Redis writes out its append-only file first). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        LOG.warning("redis-server (pid " + process.pid() + ") did not stop within 10 s; killing it");
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The command, run through {@code setsid} where there is one. Ctrl-C in a terminal signals the whole foreground
   * process group: a server in ours would shut down under the node's drain, which still needs it; in a session of
   * its own it stops when its node stops it. A child of the JVM never leads a process group, so setsid does not
   * fork: the server keeps the process's pid, and {@link Process} still watches and stops the server itself.
   */
  private static List<String> inASessionOfItsOwn(String... command) {
    List<String> line = new ArrayList<>(command.length + 1);
    if (Files.isExecutable(SETSID)) {
      line.add(SETSID.toString());
    }
    line.addAll(List.of(command));
    return line;
  }

  private static Path writeConfig(Path dir, int port, String password, boolean appendOnly,
                                  List<String> extraConfig) throws IOException {
    Path conf = dir.resolve("redis.conf");
    String text = String.join("\n",
      "# written by multiverse9 at every start; edits are lost",
      "bind 127.0.0.1",
      "port " + port,
      "protected-mode yes",
      "requirepass " + password,
      "daemonize no",
      "pidfile " + dir.resolve("redis.pid"),
      "dir " + dir,
      "save \"\"",
      "appendonly " + (appendOnly ? "yes" : "no"),
      "appendfsync everysec",
      "loglevel notice",
      String.join("\n", extraConfig),
      "");
    Files.deleteIfExists(conf);
    Files.createFile(conf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(conf, text, StandardCharsets.UTF_8);
    return conf;
  }

  private static void awaitReady(Process process, String ready) throws IOException {
    CountDownLatch settled = new CountDownLatch(1);
    Deque<String> lastLines = new ArrayDeque<>();
    AtomicBoolean wasReady = new AtomicBoolean();
    Thread reader = new Thread(() -> drain(process, ready, settled, wasReady, lastLines),
      "redis-server-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    try {
      // its output ending is not enough: a server that cannot bind closes it and is still alive for a moment
      if (settled.await(START_TIMEOUT_MS, TimeUnit.MILLISECONDS) && wasReady.get() && process.isAlive()) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lastLines) {
      String said = String.join(" | ", lastLines);
      if (said.contains("Address already in use")) {
        // a type of its own: a caller that must keep its port (clients know it) waits and tries again
        throw new BindException("redis-server did not start: its port is taken: " + said);
      }
      throw new IOException("redis-server did not start: " + said);
    }
  }

  // Keeps reading so that redis-server never blocks on a full pipe; its log goes to ours at debug level.
  private static void drain(Process process, String readyLine, CountDownLatch settled, AtomicBoolean ready,
                            Deque<String> lastLines) {
    try (BufferedReader in = new BufferedReader(
      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String logged = line;
        LOG.fine(() -> "redis-server: " + logged);
        if (settled.getCount() > 0) {
          synchronized (lastLines) {
            lastLines.addLast(line);
            if (lastLines.size() > 5) {
              lastLines.removeFirst();
            }
          }
          if (line.contains(readyLine)) {
            ready.set(true);
            settled.countDown();
          }
        }
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "redis-server output closed", e);
    } finally {
      settled.countDown();
    }
  }

  /**
   * Stops the redis-server that the pid file in {@code dir} names, if it still runs: one left behind by a node
   * that was killed, which must not write the append-only file beside a new one. Call it only while holding the
   * directory's {@link DataDirLock}: that proves the node that started the server is dead, and not merely busy.
   */
  public static void stopLeftover(Path dir) {
    Path pidFile = dir.toAbsolutePath().resolve("redis.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      Optional<ProcessHandle> leftover = ProcessHandle.of(pid)
        .filter(p -> p.info().command().map(c -> c.contains("redis")).orElse(false));
      if (leftover.isPresent()) {
        LOG.warning("stopping redis-server (pid " + pid + ") left running by an earlier node on this data_dir");
        leftover.get().destroy();
        leftover.get().onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      LOG.log(Level.FINE, "could not check pid file " + pidFile, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
