package io.multiverse9.storage;

import com.github.f4b6a3.ulid.UlidCreator;
import io.multiverse9.config.RedisTopology;
import io.multiverse9.config.Settings;
import io.multiverse9.metrics.NodeMetrics;
import io.multiverse9.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns the Redis client and answers {@link StorageRequest}s from the event bus (SPEC 2). Each value is one Redis
 * string at {@code key_prefix + KEY}, written with {@code SET ... NX}; reads are one {@code MGET}; removal is
 * {@code UNLINK}. Every Redis call is bounded by {@code limits.storage_timeout_ms} and a failure is answered
 * UNAVAILABLE, so a Redis that is down costs clients seconds, not minutes; the pool reconnects by itself.
 */
public final class StorageVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(StorageVerticle.class.getName());
  private static final int CREATE_ATTEMPTS = 3;
  /** Nodes whose storage has said that Redis is not reachable at start: said once per node. */
  private static final String WARNED = "mv9.storage.unreachable-warned";
  private static final int MAX_DESCRIPTION = 200;

  private final Settings settings;
  private final byte[] prefix;
  private Redis redis;
  /** One pipelined connection per storage verticle, opened on first use and again after a failure. */
  private Future<RedisConnection> connection;
  private CommandBatcher batcher;
  private MessageConsumer<StorageRequest> consumer;
  private MessageConsumer<StorageRequest> sameThreadConsumer;
  private int inFlight;
  private Promise<Void> drained;
  private boolean stopping;

  public StorageVerticle(Settings settings) {
    this.settings = settings;
    this.prefix = settings.keyPrefix().getBytes(StandardCharsets.UTF_8);
  }

  /** The event-bus address of a node's storage; one per node name, so nodes can share a JVM or a cluster. */
  public static String address(Settings settings) {
    return "mv9.storage." + settings.name();
  }

  @Override
  public Future<?> start() {
    StorageCodecs.register(vertx);
    int timeout = settings.limits().storageTimeoutMs();
    RedisOptions options = new RedisOptions();
    RedisTopology topology = settings.redis();
    switch (topology.type()) {
      case "cluster" -> options.setType(RedisClientType.CLUSTER).setEndpoints(topology.endpoints());
      case "sentinel" -> options.setType(RedisClientType.SENTINEL).setEndpoints(topology.endpoints())
        .setMasterName(topology.masterName()).setRole(RedisRole.MASTER);
      default -> options.setConnectionString(settings.redisUri());
    }
    redis = Redis.createClient(vertx, options
      .setMaxPoolSize(8)
      .setMaxPoolWaiting(4096)
      .setMaxWaitingHandlers(4096)
      .setNetClientOptions(new NetClientOptions()
        .setConnectTimeout(timeout)
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)));
    batcher = new CommandBatcher(context, this::connection, timeout, this::drop);
    consumer = vertx.eventBus().consumer(address(settings), this::onRequest);
    sameThreadConsumer = vertx.eventBus().localConsumer(StorageAffinity.onThisThread(address(settings)),
      this::onRequest);
    return Future.all(consumer.completion(), sameThreadConsumer.completion())
      .onSuccess(v -> StorageAffinity.joined(vertx, address(settings)))
      .andThen(ar -> checkReachable());
  }

  /** Stops taking requests, lets those in flight finish (each is bounded by the storage timeout), then closes. */
  @Override
  public Future<?> stop() {
    stopping = true;
    StorageAffinity.left(vertx, address(settings));
    return Future.all(consumer.unregister(), sameThreadConsumer.unregister())
      .compose(v -> {
        if (inFlight == 0) {
          return Future.succeededFuture();
        }
        drained = Promise.promise();
        return drained.future();
      })
      .eventually(() -> {
        if (connection != null) {
          connection.onSuccess(RedisConnection::close);
        }
        return redis.close();
      });
  }

  // A node whose Redis is down still starts and answers UNAVAILABLE until Redis is back.
  private void checkReachable() {
    call(Request.cmd(Command.PING)).onFailure(e -> {
      // one line per node, not one per storage verticle; none when the PING failed because the node is stopping
      // (a start that failed elsewhere, say at the bind, would otherwise end on this unrelated line)
      if (!stopping && vertx.sharedData().getLocalMap(WARNED).putIfAbsent(address(settings), true) == null) {
        LOG.warning("storage: Redis at " + settings.redisUriForDisplay() + " is not reachable yet ("
          + describe(e) + "); requests are answered UNAVAILABLE until it is");
      }
    });
  }

  private void onRequest(Message<StorageRequest> message) {
    StorageRequest request = message.body();
    inFlight++;
    if (request instanceof StorageRequest.Batch batch) {
      List<Future<?>> results = new ArrayList<>(batch.requests().size());
      for (StorageRequest each : batch.requests()) {
        results.add(run(each));
      }
      Future.join(results).onComplete(ar -> {
        finished();
        List<Object> outcomes = new ArrayList<>(results.size());
        for (Future<?> result : results) {
          outcomes.add(result.succeeded() ? result.result()
            : new StorageRequest.Failure(Status.UNAVAILABLE.code(), failed(result.cause())));
        }
        message.reply(new StorageRequest.Outcomes(outcomes));
      });
      return;
    }
    run(request).onComplete(ar -> {
      finished();
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        message.fail(Status.UNAVAILABLE.code(), failed(ar.cause()));
      }
    });
  }

  private Future<?> run(StorageRequest request) {
    if (request instanceof StorageRequest.Create create) {
      return create(create.key(), create.value(), CREATE_ATTEMPTS);
    } else if (request instanceof StorageRequest.Remove remove) {
      return remove(remove.keys());
    } else if (request instanceof StorageRequest.Fetch fetch) {
      return fetch(fetch.keys());
    } else if (request instanceof StorageRequest.Ping) {
      return call(Request.cmd(Command.PING)).map(Response::toString);
    }
    return Future.failedFuture(new IllegalArgumentException("unknown storage request " + request));
  }

  private void finished() {
    if (--inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
  }

  /** Counts and describes a failed request. */
  private static String failed(Throwable cause) {
    LOG.log(Level.FINE, "storage request failed", cause);
    NodeMetrics.storageError();
    return "storage unavailable: " + describe(cause);
  }

  private Future<String> create(String key, Buffer value, int attemptsLeft) {
    return call(Request.cmd(Command.SET).arg(redisKey(key)).arg(value).arg("NX"))
      .compose(reply -> {
        if (reply != null) {
          return Future.succeededFuture(key);
        }
        // NX refused: the key exists already (another writer on this prefix); never overwrite, take a new key
        if (attemptsLeft > 1) {
          return create(UlidCreator.getMonotonicUlid().toString(), value, attemptsLeft - 1);
        }
        return Future.failedFuture("no fresh key after " + CREATE_ATTEMPTS + " attempts");
      });
  }

  /**
   * {@code key_prefix + key} as the bytes Redis gets: built directly, as a concatenated String would be built and
   * then encoded again, ten times per AGGREGATE of ten keys. Keys are ULIDs, so ASCII.
   */
  private byte[] redisKey(String key) {
    byte[] bytes = Arrays.copyOf(prefix, prefix.length + key.length());
    for (int i = 0; i < key.length(); i++) {
      bytes[prefix.length + i] = (byte) key.charAt(i);
    }
    return bytes;
  }

  private Future<Long> remove(List<String> keys) {
    // in a Redis Cluster the client splits DEL across slots and adds the counts; it cannot do so for UNLINK
    Request unlink = Request.cmd(settings.redis().isCluster() ? Command.DEL : Command.UNLINK);
    for (String key : keys) {
      unlink.arg(redisKey(key));
    }
    return call(unlink).map(Response::toLong);
  }

  private Future<StorageRequest.Values> fetch(List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(new StorageRequest.Values(List.of()));
    }
    if (settings.redis().isCluster()) {
      return fetchEach(keys);
    }
    Request mget = Request.cmd(Command.MGET);
    for (String key : keys) {
      mget.arg(redisKey(key));
    }
    return call(mget).map(reply -> {
      List<Buffer> values = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        Response value = reply.get(i);
        values.add(value == null ? null : value.toBuffer());
      }
      return new StorageRequest.Values(values);
    });
  }

  // In a Redis Cluster the client splits an MGET by slot but joins the parts in slot order, not key order, so
  // each key is read with its own GET (pipelined on the pooled connections) and the answers kept in key order.
  private Future<StorageRequest.Values> fetchEach(List<String> keys) {
    List<Future<Response>> gets = new ArrayList<>(keys.size());
    for (String key : keys) {
      gets.add(call(Request.cmd(Command.GET).arg(redisKey(key))));
    }
    return Future.all(gets).map(all -> {
      List<Buffer> values = new ArrayList<>(keys.size());
      for (Future<Response> get : gets) {
        values.add(get.result() == null ? null : get.result().toBuffer());
      }
      return new StorageRequest.Values(values);
    });
  }

  // Commands go out pipelined on the verticle's own connection, those of one event-loop turn in one batch: no
  // pool hand-off and no write per command. A command that fails (no answer in time, connection lost, an error
  // reply) drops the connection, so that the next command starts on a fresh one. A Redis Cluster connection
  // cannot batch keys of different slots, so there each command goes on its own.
  private Future<Response> call(Request request) {
    if (!settings.redis().isCluster()) {
      return batcher.send(request);
    }
    Future<RedisConnection> current = connection();
    return current.compose(c -> c.send(request))
      .timeout(settings.limits().storageTimeoutMs(), TimeUnit.MILLISECONDS)
      .onFailure(e -> drop(current));
  }

  private void drop(Future<RedisConnection> failed) {
    if (connection == failed) {
      connection = null;
      failed.onSuccess(RedisConnection::close);
    }
  }

  private Future<RedisConnection> connection() {
    if (connection == null) {
      Future<RedisConnection> opening = redis.connect();
      connection = opening;
      opening.onSuccess(c -> c.exceptionHandler(e -> forget(opening)).endHandler(v -> forget(opening)))
        .onFailure(e -> forget(opening));
    }
    return connection;
  }

  private void forget(Future<RedisConnection> which) {
    if (connection == which) {
      connection = null;
    }
  }

  // A pipelined batch that fails says so once per command in it ("ERR [0] CONNECTION_CLOSED\nERR [1] ..."): a
  // thousand lines, copied into each of a thousand answers when Redis dies under load. One line says it.
  private static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int lineEnd = message.indexOf('\n');
    String first = lineEnd < 0 ? message : message.substring(0, lineEnd);
    return first.length() <= MAX_DESCRIPTION ? first : first.substring(0, MAX_DESCRIPTION) + "...";
  }
}
