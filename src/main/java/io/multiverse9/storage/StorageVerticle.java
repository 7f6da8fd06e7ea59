package io.multiverse9.storage;

import io.multiverse9.bus.LoopAffinity;
import io.multiverse9.config.Settings;
import io.multiverse9.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.redis.client.Redis;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * Answers {@link StorageRequest}s from the event bus with {@link StorageReply}s, running each through
 * {@link StorageCommands}. A failure to use Redis is answered UNAVAILABLE, so a Redis that is down costs clients
 * seconds, not minutes; the connection is opened again by the next request. Stopping lets the requests in
 * flight finish.
 */
public final class StorageVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(StorageVerticle.class.getName());
  /** Nodes whose storage has said that Redis is not reachable at start: said once per node. */
  private static final String WARNED = "mv9.storage.unreachable-warned";
  private static final int MAX_DESCRIPTION = 200;
  /** When each node's storage last said that Redis cannot write its files: at most once per interval per node. */
  private static final String PERSIST_WARNED = "mv9.storage.persist-warned";
  /**
   * Below this much free space under the embedded Redis's file, CREATEs wait for proof that Redis wrote them: a
   * disk fills from here within one {@link #SPACE_CHECK_MS} only under writes of 64 MiB a second.
   */
  static final long LOW_SPACE_BYTES = 64L * 1024 * 1024;
  private static final long SPACE_CHECK_MS = 1000;
  /** How soon a value stored by another JVM on the same Redis bounds this one's reads (ValueSizes). */
  private static final long SIZES_REFRESH_MS = 1000;
  /** After Redis refused a write (MISCONF), CREATEs wait for that proof for this long, whatever the disk says. */
  private static final long REFUSED_WRITE_MEMORY_NANOS = TimeUnit.SECONDS.toNanos(60);
  static final long PERSIST_WARNING_INTERVAL_MS = 300_000;

  private final Settings settings;
  private final StorageMeters meters;
  private RedisConnectionHolder connection;
  private StorageCommands commands;
  private LoopAffinity.Listener<StorageRequest> listener;
  /** {@code null} unless Redis is found through Sentinel. */
  private SentinelWatch sentinelWatch;
  private int inFlight;
  private Promise<Void> drained;
  private boolean stopping;
  private final Path appendOnlyDir;
  /** The disk under Redis's file has less than {@link #LOW_SPACE_BYTES} free, as last looked. */
  private volatile boolean lowOnSpace;
  private volatile long lastRefusedWriteNanos = System.nanoTime() - REFUSED_WRITE_MEMORY_NANOS;
  private long spaceTimer = -1;
  private long sizesTimer = -1;
  /** On a Redis Cluster: asking who owns the slots, to say when that changes ({@link ClusterSlotWatch}). */
  private long slotsTimer = -1;

  /** @param meters where storage records its failures: the node's metrics, handed in by who deploys it */
  public StorageVerticle(Settings settings, StorageMeters meters) {
    this(settings, meters, null);
  }

  /**
   * @param appendOnlyDir where the Redis this storage uses keeps its append-only file, when the node owns that
   *     Redis (embedded); {@code null} when it is someone else's, whose disk the node cannot see
   */
  public StorageVerticle(Settings settings, StorageMeters meters, Path appendOnlyDir) {
    this.settings = settings;
    this.meters = meters;
    this.appendOnlyDir = appendOnlyDir;
  }

  /** The event-bus address of a node's storage; one per node name, so nodes can share a JVM or a cluster. */
  public static String address(Settings settings) {
    return "mv9.storage." + settings.name();
  }

  @Override
  public Future<?> start() {
    StorageCodecs.register(vertx);
    connection = new RedisConnectionHolder(vertx, () -> Redis.createClient(vertx, RedisOptionsFactory.create(settings)),
      settings.redis().isCluster(), settings.limits().storageTimeoutMs());
    commands = new StorageCommands(context, settings, connection, this::mayFailToPersist);
    if (settings.redis().type().equals("sentinel")) {
      sentinelWatch = new SentinelWatch(vertx, settings, connection::replace);
      sentinelWatch.start();
    }
    listener = LoopAffinity.listen(vertx, address(settings), this::onRequest);
    Future<Void> space = Future.succeededFuture();
    if (appendOnlyDir != null) {
      space = lookAtSpace();
      spaceTimer = vertx.setPeriodic(SPACE_CHECK_MS, id -> lookAtSpace());
    }
    // not waited for: a node whose Redis is down starts all the same, and reads bounded key by key until it knows
    commands.refreshSizes();
    sizesTimer = vertx.setPeriodic(SIZES_REFRESH_MS, id -> commands.refreshSizes());
    if (settings.redis().isCluster()) {
      ClusterSlotWatch slots = new ClusterSlotWatch(vertx, address(settings), connection,
        settings.limits().storageTimeoutMs());
      slots.look();
      slotsTimer = vertx.setPeriodic(ClusterSlotWatch.INTERVAL_MS, id -> slots.look());
    }
    return space.compose(v -> listener.ready()).andThen(ar -> checkReachable());
  }

  /**
   * Whether Redis may fail to write a CREATE to its append-only file while still answering it OK (a full disk;
   * see {@code StorageCommands.persisted}): only then does a CREATE wait for the PING that shows it was written,
   * which costs a round trip to Redis. That is while the disk under the embedded Redis's file has little room, or
   * Redis refused a write lately; the disk of a Redis the node does not own is its operator's to watch.
   */
  private boolean mayFailToPersist() {
    return lowOnSpace || System.nanoTime() - lastRefusedWriteNanos < REFUSED_WRITE_MEMORY_NANOS;
  }

  private Future<Void> lookAtSpace() {
    return vertx.fileSystem().fsProps(appendOnlyDir.toString())
      .andThen(ar -> lowOnSpace = ar.failed() || ar.result().usableSpace() < LOW_SPACE_BYTES)
      .<Void>mapEmpty()
      .otherwiseEmpty();
  }

  /** Stops taking requests, lets those in flight finish (each is bounded by the storage timeout), then closes. */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (spaceTimer >= 0) {
      vertx.cancelTimer(spaceTimer);
    }
    vertx.cancelTimer(sizesTimer);
    if (slotsTimer >= 0) {
      vertx.cancelTimer(slotsTimer);
    }
    return listener.stop()
      .compose(v -> {
        if (inFlight == 0) {
          return Future.succeededFuture();
        }
        drained = Promise.promise();
        return drained.future();
      })
      .eventually(() -> sentinelWatch == null ? connection.close()
        : Future.join(sentinelWatch.stop(), connection.close()).mapEmpty());
  }

  // A node whose Redis is down still starts and answers UNAVAILABLE until Redis is back.
  private void checkReachable() {
    commands.ping().onFailure(e -> {
      // one line per node, not one per storage verticle; none when the PING failed because the node is stopping
      // (a start that failed elsewhere, say at the bind, would otherwise end on this unrelated line)
      if (!stopping && vertx.sharedData().getLocalMap(WARNED).putIfAbsent(address(settings), true) == null) {
        LOG.warning("storage: Redis at " + settings.redisUriForDisplay()
          + (tlsProblem(e) == null ? " is not reachable yet (" : " cannot be used (") + describe(e)
          + "); requests are answered UNAVAILABLE until it is");
      }
    });
  }

  private void onRequest(Message<StorageRequest> message) {
    StorageRequest request = message.body();
    inFlight++;
    if (request instanceof StorageRequest.Batch batch) {
      List<Future<? extends StorageReply>> results = new ArrayList<>(batch.requests().size());
      for (StorageRequest each : batch.requests()) {
        results.add(commands.run(each));
      }
      Future.join(results).onComplete(ar -> {
        finished();
        List<StorageReply> replies = new ArrayList<>(results.size());
        for (Future<? extends StorageReply> result : results) {
          replies.add(result.succeeded() ? result.result() : failed(result.cause()));
        }
        message.reply(new StorageReply.Outcomes(replies));
      });
      return;
    }
    commands.run(request).onComplete(ar -> {
      finished();
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        StorageReply.Failed failed = failed(ar.cause());
        message.fail(failed.status().code(), failed.message());
      }
    });
  }

  private void finished() {
    if (--inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
  }

  // Under load every write fails the same way, thousands a second: one line says it, then again every few minutes
  // while it lasts (shared by the node's storage verticles, in this Vert.x instance's local map).
  private void warnCannotPersist(String said) {
    long now = System.currentTimeMillis();
    var warned = vertx.sharedData().<String, Long>getLocalMap(PERSIST_WARNED);
    Long last = warned.get(address(settings));
    if (last != null && now - last < PERSIST_WARNING_INTERVAL_MS) {
      return;
    }
    boolean first = last == null ? warned.putIfAbsent(address(settings), now) == null
      : warned.replace(address(settings), last, now);
    if (first) {
      LOG.warning("storage: Redis cannot write its append-only file (" + said + "); is the disk full? With the "
        + "embedded Redis its files are in data_dir " + Path.of(settings.dataDir()).toAbsolutePath()
        + ". CREATEs and REMOVEs are answered UNAVAILABLE until Redis can write again (reads still work); said "
        + "at most every " + PERSIST_WARNING_INTERVAL_MS / 1000 + " s");
    }
  }

  /** Counts and describes a failed request: UNAVAILABLE when Redis could not be used, else what it says. */
  private StorageReply.Failed failed(Throwable cause) {
    LOG.log(Level.FINE, "storage request failed", cause);
    meters.requestFailed();
    if (String.valueOf(cause.getMessage()).contains("MISCONF")) {
      lastRefusedWriteNanos = System.nanoTime();
      warnCannotPersist(describe(cause));
    }
    if (cause instanceof StorageException ours) {
      return new StorageReply.Failed(ours.status(), "storage request failed: " + describe(cause));
    }
    return new StorageReply.Failed(Status.UNAVAILABLE, "storage unavailable: " + describe(cause));
  }

  // A pipelined batch that fails says so once per command in it ("ERR [0] CONNECTION_CLOSED\nERR [1] ..."): a
  // thousand lines, copied into each of a thousand answers when Redis dies under load. One line says it.
  private static String describe(Throwable e) {
    String message = tlsProblem(e);
    if (message == null) {
      message = e.getMessage();
    }
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int lineEnd = message.indexOf('\n');
    String first = lineEnd < 0 ? message : message.substring(0, lineEnd);
    return first.length() <= MAX_DESCRIPTION ? first : first.substring(0, MAX_DESCRIPTION) + "...";
  }

  // A rediss:// handshake that failed says what the JDK found ("No subject alternative names matching IP address
  // 10.0.0.5 found", "PKIX path building failed"): said as a TLS problem, so that it is not read as Redis being down.
  private static String tlsProblem(Throwable e) {
    SSLException tls = null;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof CertificateException) {
        return "Redis's TLS certificate is not accepted: " + cause.getMessage();
      }
      if (tls == null && cause instanceof SSLException ssl) {
        tls = ssl;
      }
    }
    return tls == null ? null : "TLS with Redis failed: " + tls.getMessage();
  }

}
