package io.multiverse9.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * The private redis-server of a node whose {@code redis_uri} is {@code "embedded"} (SPEC 2): append-only
 * persistence under {@code data_dir}, started with the node and stopped with it.
 */
public final class EmbeddedRedis {

  private final Vertx vertx;
  private final RedisServerProcess process;
  private final Thread stopOnExit;

  private EmbeddedRedis(Vertx vertx, RedisServerProcess process) {
    this.vertx = vertx;
    this.process = process;
    // if the JVM goes down without undeploying us, the server must not outlive it
    this.stopOnExit = new Thread(process::close, "embedded-redis-stop");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  public static Future<EmbeddedRedis> start(Vertx vertx, Path dataDir) {
    return vertx.executeBlocking(() -> new EmbeddedRedis(vertx, RedisServerProcess.start(dataDir, true)));
  }

  /** A connection string holding the password: never log it. */
  public String uri() {
    return process.uri();
  }

  public String describe() {
    return "embedded redis-server (pid " + process.pid() + ", 127.0.0.1:" + process.port() + ")";
  }

  public Future<Void> stop() {
    return vertx.executeBlocking(() -> {
      process.close();
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run; the process is stopped either way
      }
      return null;
    });
  }
}
