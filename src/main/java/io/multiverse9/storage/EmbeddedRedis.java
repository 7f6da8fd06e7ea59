package io.multiverse9.storage;

import io.multiverse9.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The private redis-server of a node whose {@code redis_uri} is {@code "embedded"} (SPEC 2, 5): append-only
 * persistence under {@code data_dir}, started with the node, started again whenever it dies while the node runs,
 * and stopped with the node. The node holds {@code data_dir} ({@link DataDirLock}) from before the server starts
 * until after it has stopped.
 *
 * <p>A server that died is started again on the same port and password, because the storage verticles' Redis
 * clients know only that URI: they reconnect by themselves once it answers, and until then their requests are
 * answered UNAVAILABLE. Restarts back off from 100 ms, doubling to 5 s, so that a server that cannot run (a full
 * disk, a damaged file, its port taken) does not spin; after a stable run the backoff starts over.
 */
public final class EmbeddedRedis {

  private static final Logger LOG = Logger.getLogger(EmbeddedRedis.class.getName());
  static final long FIRST_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5_000;
  /** A server that ran this long before dying was healthy: its next restart is not held back. */
  static final long STABLE_RUN_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long EXIT_PATIENCE_MARGIN_MS = 5_000;

  private final Vertx vertx;
  private final DataDirLock lock;
  private final Path dataDir;
  private final int port;
  private final String password;
  private final long exitPatienceMs;
  private final Thread stopOnExit;
  /** Completes once {@link #stop()} has stopped the server and given up the directory. */
  private final CompletableFuture<Void> stoppedByTheNode = new CompletableFuture<>();

  // Guarded by this: the JDK's process-exit thread, worker threads and the event loop all get here.
  private RedisServerProcess process;
  private long startedAtNanos;
  private long backoffMs = FIRST_BACKOFF_MS;
  private boolean stopping;
  private long restartTimer = -1;
  private Future<Void> restarting = Future.succeededFuture();
  private Future<Void> stopped;

  private EmbeddedRedis(Vertx vertx, DataDirLock dataDir, RedisServerProcess first, long exitPatienceMs) {
    this.vertx = vertx;
    this.exitPatienceMs = exitPatienceMs;
    this.lock = dataDir;
    this.dataDir = dataDir.dir();
    this.port = first.port();
    this.password = first.password();
    this.process = first;
    this.startedAtNanos = System.nanoTime();
    // if the JVM goes down without the node stopping us, the server must not outlive it
    this.stopOnExit = new Thread(this::stopAtJvmExit, "embedded-redis-stop");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /**
   * Locks the node's {@code data_dir}, then starts the server on it. Fails with
   * {@link DataDirLock.HeldByAnotherNode} (and touches nothing) when another node holds the directory.
   */
  public static Future<EmbeddedRedis> start(Vertx vertx, Settings node) {
    // how long a node's own stop may take: its listeners' drain, then storage's last calls
    long exitPatienceMs = TimeUnit.SECONDS.toMillis(node.shutdownGraceS()) + node.limits().storageTimeoutMs()
      + EXIT_PATIENCE_MARGIN_MS;
    return vertx.executeBlocking(() -> {
      DataDirLock lock = DataDirLock.acquire(Path.of(node.dataDir()), node.name(), node.addr().toString());
      try {
        // only with the lock held is a server named by the pid file known to be a dead node's leftover
        RedisServerProcess.stopLeftover(lock.dir());
        RedisServerProcess first = RedisServerProcess.start(lock.dir(), true);
        EmbeddedRedis redis = new EmbeddedRedis(vertx, lock, first, exitPatienceMs);
        redis.supervise(first);
        return redis;
      } catch (Exception e) {
        lock.close();
        throw e;
      }
    });
  }

  /** Records the address the node listens on, once bound, for a node refused the directory to name. */
  public Future<Void> ownerListensOn(String addr) {
    return vertx.<Void>executeBlocking(() -> {
      lock.recordOwner(addr);
      return null;
    }).onFailure(e -> LOG.warning("could not record in " + dataDir + " that this node listens on " + addr + ": "
      + e.getMessage()));
  }

  /** A connection string holding the password: never log it. It stays the same across restarts. */
  public String uri() {
    return "redis://:" + password + "@127.0.0.1:" + port;
  }

  public synchronized String describe() {
    return "embedded redis-server (pid " + process.pid() + ", 127.0.0.1:" + port + ")";
  }

  /** Stops the server for good: no restart follows, and one being started is stopped as soon as it is up. */
  public synchronized Future<Void> stop() {
    if (stopped != null) {
      return stopped;
    }
    stopping = true;
    vertx.cancelTimer(restartTimer);
    stopped = restarting.transform(ar -> vertx.executeBlocking(() -> {
      stopNow();
      // the server is gone: another node may have the directory now
      lock.close();
      stoppedByTheNode.complete(null);
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run; the process is stopped either way
      }
      return null;
    }));
    return stopped;
  }

  // The JVM is going down. Under the Vert.x launcher a SIGTERM starts every shutdown hook at once: ours, and the
  // one that stops the node in order, whose listeners need this server to answer what they have read. So the
  // node's own stop goes first, for as long as it may take; a node that never stops us gets its server stopped.
  private void stopAtJvmExit() {
    try {
      stoppedByTheNode.get(exitPatienceMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      stopNow();
    } catch (InterruptedException e) {
      stopNow();
      Thread.currentThread().interrupt();
    }
  }

  private void stopNow() {
    RedisServerProcess last;
    synchronized (this) {
      stopping = true;
      last = process;
    }
    last.close();
  }

  // Process.onExit: the JDK tells us when the child ends, on its own thread; nothing polls.
  private void supervise(RedisServerProcess running) {
    running.exited().thenAccept(code -> died(running, code));
  }

  private void died(RedisServerProcess dead, int exitCode) {
    long delay;
    synchronized (this) {
      if (stopping || dead != process) {
        return; // we stopped it ourselves
      }
      if (System.nanoTime() - startedAtNanos >= STABLE_RUN_NANOS) {
        backoffMs = FIRST_BACKOFF_MS;
      }
      delay = nextBackoff();
    }
    LOG.warning("embedded redis-server (pid " + dead.pid() + ", 127.0.0.1:" + port + ") exited with code "
      + exitCode + "; starting it again on the same data in " + delay + " ms; storage requests are answered "
      + "UNAVAILABLE until it is back");
    restartIn(delay);
  }

  private synchronized long nextBackoff() {
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    return delay;
  }

  private synchronized void restartIn(long delayMs) {
    if (!stopping) {
      restartTimer = vertx.setTimer(delayMs, id -> restart());
    }
  }

  private synchronized void restart() {
    if (stopping) {
      return;
    }
    // starting blocks until the server has loaded its file and accepts connections: a worker's job
    restarting = vertx.<RedisServerProcess>executeBlocking(this::startAgain, false)
      .andThen(ar -> {
        if (ar.failed()) {
          retryAfter(ar.cause());
        } else if (ar.result() != null) {
          LOG.info("embedded redis-server is back (pid " + ar.result().pid() + ", 127.0.0.1:" + port
            + "), serving the data in " + dataDir.toAbsolutePath());
          supervise(ar.result());
        }
      })
      .<Void>mapEmpty()
      .otherwiseEmpty();
  }

  /** The new server, or {@code null} when the node stopped meanwhile (the server is then stopped again). */
  private RedisServerProcess startAgain() throws Exception {
    RedisServerProcess started = RedisServerProcess.start(dataDir, true, port, password);
    synchronized (this) {
      if (!stopping) {
        process = started;
        startedAtNanos = System.nanoTime();
        return started;
      }
    }
    started.close();
    return null;
  }

  private void retryAfter(Throwable failure) {
    long delay = nextBackoff();
    if (failure instanceof BindException) {
      LOG.warning("embedded redis-server cannot start again: another process took its port 127.0.0.1:" + port
        + ", the only one the node's storage connections know; trying again in " + delay + " ms");
    } else {
      LOG.warning("embedded redis-server did not start again (" + failure.getMessage() + "); trying again in "
        + delay + " ms");
    }
    restartIn(delay);
  }
}
