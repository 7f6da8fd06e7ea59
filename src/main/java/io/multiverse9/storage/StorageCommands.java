package io.multiverse9.storage;

import com.github.f4b6a3.ulid.UlidCreator;
import io.multiverse9.config.Settings;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Status;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one storage request as Redis commands (SPEC 2) and answers with its typed reply. Each value is one Redis
 * string at {@code key_prefix + KEY}, written with {@code SET ... NX}; reads are one {@code MGET}; removal is
 * {@code UNLINK}. Every command is bounded by {@code limits.storage_timeout_ms}. With {@code durability.replicas}
 * (SPEC 2.1) a CREATE or REMOVE is answered once that many replicas hold it ({@link ReplicaWait}); a value they did
 * not confirm is deleted again before the CREATE is answered UNAVAILABLE. Confined to the storage verticle's
 * context.
 */
final class StorageCommands {

  private static final int CREATE_ATTEMPTS = 3;

  private final RedisKeys keys;
  /** Where Redis keeps the size classes of the values under the prefix ({@link ValueSizes}). */
  private final byte[] sizesKey;
  private final ValueSizes sizes;
  /** The SADDs of size classes under way on this verticle's connection, by class. */
  private final Map<Integer, Future<?>> classesRecording = new HashMap<>();
  /** The reading of {@link #sizes} under way, if any: a scan of the prefix may take longer than a second. */
  private Future<Void> refreshing;
  private final boolean cluster;
  private final long timeoutMs;
  private final RedisConnectionHolder connection;
  private final CommandBatcher batcher;
  private final InFlightBound clusterBound = new InFlightBound(RedisOptionsFactory.MAX_WAITING_HANDLERS);
  private final Context context;
  /** The PING that SETs answered now wait for; {@code null} once it has been handed to the batcher. */
  private Promise<Void> persistenceProbe;

  /** Whether a CREATE waits for {@link #persisted()}: only while the disk under Redis's file may fill up. */
  private final BooleanSupplier confirmPersisted;

  StorageCommands(Context context, Settings settings, RedisConnectionHolder connection) {
    this(context, settings, connection, () -> true);
  }

  StorageCommands(Context context, Settings settings, RedisConnectionHolder connection,
      BooleanSupplier confirmPersisted) {
    this.confirmPersisted = confirmPersisted;
    this.keys = new RedisKeys(settings.keyPrefix());
    this.sizesKey = (settings.keyPrefix() + "!value-sizes").getBytes(StandardCharsets.UTF_8);
    this.sizes = ValueSizes.of(settings.redis() + "\n" + settings.keyPrefix());
    this.cluster = settings.redis().isCluster();
    this.timeoutMs = settings.limits().storageTimeoutMs();
    this.connection = connection;
    this.context = context;
    this.batcher = new CommandBatcher(context, connection, timeoutMs,
      settings.durability().waitsForReplicas() ? new ReplicaWait(settings.durability()) : null);
  }

  /**
   * The reply to {@code request}, or a failure: a {@link StorageException} with the status to answer for what
   * is our own mistake, anything else when Redis could not be used.
   */
  Future<? extends StorageReply> run(StorageRequest request) {
    if (request instanceof StorageRequest.Create create) {
      return create(create.key(), create.value(), CREATE_ATTEMPTS);
    } else if (request instanceof StorageRequest.Remove remove) {
      return remove(remove.keys());
    } else if (request instanceof StorageRequest.Fetch fetch) {
      return fetch(fetch.keys(), fetch.maxBytes());
    } else if (request instanceof StorageRequest.Ping) {
      return ping();
    }
    // a Batch inside a batch, or a request type added without its command here
    return Future.failedFuture(new StorageException(Status.INTERNAL, "unknown storage request " + request));
  }

  Future<StorageReply.Pong> ping() {
    return call(Request.cmd(Command.PING)).map(pong -> StorageReply.Pong.PONG);
  }

  private Future<StorageReply.Created> create(String key, Buffer value, int attemptsLeft) {
    Future<?> classRecorded = recordClass(value.length());
    Request set = Request.cmd(Command.SET).arg(keys.of(key)).arg(value).arg("NX");
    return call(set, (c, sent) -> landed(c, key, value, sent), true)
      .recover(e -> unreplicated(key, e))
      .compose(reply -> classRecorded.<Response>transform(ar -> {
        if (ar.failed() && reply != null) {
          // stored, but a node would read it as if it were no larger than the values before it: not acknowledged
          forget(key);
          return Future.failedFuture(ar.cause());
        }
        return Future.succeededFuture(reply);
      }))
      .compose(reply -> {
        if (reply != null) {
          return !confirmPersisted.getAsBoolean() ? Future.succeededFuture(new StorageReply.Created(key))
            : persisted().map(new StorageReply.Created(key)).onFailure(e -> forget(key));
        }
        // NX refused: the key exists already (another writer on this prefix); never overwrite, take a new key
        if (attemptsLeft > 1) {
          return create(UlidCreator.getMonotonicUlid().toString(), value, attemptsLeft - 1);
        }
        // monotonic ULIDs do not repeat: three taken in a row means someone else writes our keys
        return Future.failedFuture(new StorageException(Status.INTERNAL,
          "no fresh key after " + CREATE_ATTEMPTS + " attempts"));
      });
  }

  /**
   * Records the size class of a value about to be stored when it is larger than any known ({@link ValueSizes}):
   * sent before its SET, in the same pipeline, so no one can read the value before its class is in Redis.
   */
  private Future<?> recordClass(int length) {
    int c = ValueSizes.classOf(length);
    if (cluster) {
      return Future.succeededFuture();
    }
    sizes.raise(c);
    if (sizes.isRecorded(c)) {
      return Future.succeededFuture();
    }
    // one SADD per class and verticle, shared by the CREATEs of that class until Redis has it (or it failed)
    Future<?> recording = classesRecording.get(c);
    if (recording == null || recording.failed()) {
      recording = call(Request.cmd(Command.SADD).arg(sizesKey).arg(c), CommandBatcher.ALONE)
        .onSuccess(v -> {
          sizes.recorded(c);
          classesRecording.remove(c);
        });
      classesRecording.put(c, recording);
    }
    return recording;
  }

  /**
   * Reads the size classes stored under the prefix (every second, and at start): values stored by other JVMs on
   * the same Redis raise the bound within a second. A prefix that holds values but no classes (stored by a node
   * that did not record them) is scanned once, its values' lengths taken, and their class recorded.
   */
  Future<Void> refreshSizes() {
    if (cluster) {
      return Future.succeededFuture();
    }
    if (refreshing == null || refreshing.isComplete()) {
      refreshing = readSizes();
    }
    return refreshing;
  }

  private Future<Void> readSizes() {
    return call(Request.cmd(Command.SMEMBERS).arg(sizesKey)).compose(members -> {
      if (members != null && members.size() > 0) {
        int largest = ValueSizes.NONE;
        for (Response member : members) {
          largest = Math.max(largest, member.toInteger());
        }
        sizes.learned(largest);
        return Future.succeededFuture();
      }
      return new SizeScan(this::call, keys.prefix(), sizesKey).run().onSuccess(sizes::learned).mapEmpty();
    });
  }

  /**
   * A SET that fewer replicas confirmed than {@code durability.replicas} is deleted again, then answered
   * UNAVAILABLE: its key was given to no one, so no one saw a value that a failover may lose. A SET NX that found
   * the key taken wrote nothing, and goes on as NX refused ({@code null}).
   */
  private Future<Response> unreplicated(String key, Throwable e) {
    if (!(e instanceof ReplicaWait.Unconfirmed unconfirmed)) {
      return Future.failedFuture(e);
    }
    if (unconfirmed.reply() == null) {
      return Future.succeededFuture();
    }
    return forget(key).transform(deleted -> Future.failedFuture(new StorageException(Status.UNAVAILABLE,
      "not stored: " + unconfirmed.getMessage() + "; the value was deleted again"
        + (deleted.succeeded() ? "" : " as far as Redis let us (" + deleted.cause().getMessage() + ")"))));
  }

  /**
   * Whether a SET NX whose reply was lost (its batch failed as a whole) took effect: the key holds our value (a
   * fresh key: no one else writes it), else it is sent again, alone, and its own reply counts. A key that holds
   * another value answers as NX does, with no reply.
   */
  private Future<Response> landed(RedisConnection c, String key, Buffer value, Request set) {
    return c.send(Request.cmd(Command.GET).arg(keys.of(key))).compose(held -> {
      if (held == null) {
        return c.send(set);
      }
      return Future.succeededFuture(held.toBuffer().equals(value) ? held : null);
    });
  }

  /**
   * Succeeds once Redis has shown that it wrote the commands it answered so far to its append-only file: a
   * {@code PING} sent after their replies arrived. Redis writes a turn's commands to the file before it sends their
   * replies, and once a write failed (a full disk) it refuses writes and PING with {@code -MISCONF}, but the
   * replies of the commands whose write failed still go out: without this, a CREATE stored only in Redis's memory
   * was answered OK, and a restart of Redis lost it. One PING serves every SET answered before it was sent, so a
   * turn's CREATEs cost one more command and one round trip, not one each. In a Redis Cluster it is not done (a
   * PING would ask one master about another's file).
   */
  private Future<Void> persisted() {
    if (cluster) {
      return Future.succeededFuture();
    }
    if (persistenceProbe == null) {
      Promise<Void> probe = Promise.promise();
      persistenceProbe = probe;
      // sent from the next task, never joined after that: a SET answered later may have been read by Redis
      // together with this PING, before the write of the file that the PING must come after
      context.runOnContext(v -> {
        persistenceProbe = null;
        batcher.send(Request.cmd(Command.PING)).onComplete(ar -> {
          if (ar.succeeded()) {
            probe.complete();
          } else if (ar.cause() instanceof Response refused) {
            probe.fail(new IllegalStateException("Redis did not persist the write: " + refused));
          } else {
            probe.fail(ar.cause());
          }
        });
      });
    }
    return persistenceProbe.future();
  }

  /**
   * Best effort for a value that Redis holds but did not confirm: its key was given to no one. Redis refuses the
   * UNLINK too while it cannot write its file; the value then only takes space.
   */
  private Future<Response> forget(String key) {
    return call(Request.cmd(Command.UNLINK).arg(keys.of(key)), CommandBatcher.ALONE);
  }

  private Future<StorageReply.Removed> remove(KeyBytes removed) {
    // in a Redis Cluster the client splits DEL across slots and adds the counts; it cannot do so for UNLINK
    Request unlink = Request.cmd(cluster ? Command.DEL : Command.UNLINK);
    for (int i = 0; i < removed.size(); i++) {
      unlink.arg(keys.of(removed, i));
    }
    return call(unlink, CommandBatcher.ALONE, true)
      .recover(e -> Future.failedFuture(!(e instanceof ReplicaWait.Unconfirmed) ? e
        : new StorageException(Status.UNAVAILABLE, "removed on the Redis master, but " + e.getMessage()
          + ": the removal may not survive a failover")))
      .map(count -> new StorageReply.Removed(count.toLong()));
  }

  /**
   * With a bound, one {@code MGET} only when the largest value ever stored under the prefix ({@link ValueSizes})
   * times the keys fits in it: then nothing it returns can be more. Otherwise (and always in a Redis Cluster, which
   * reads key by key anyway) {@link #fetchWithin}.
   */
  private Future<? extends StorageReply> fetch(KeyBytes fetched, long maxBytes) {
    if (fetched.isEmpty()) {
      return Future.succeededFuture(new StorageReply.Values(List.of()));
    }
    if (maxBytes >= 0 && (cluster || !sizes.fit(fetched.size(), maxBytes))) {
      return fetchWithin(fetched, maxBytes);
    }
    if (cluster) {
      return fetchEach(fetched);
    }
    Request mget = Request.cmd(Command.MGET);
    for (int i = 0; i < fetched.size(); i++) {
      mget.arg(keys.of(fetched, i));
    }
    return call(mget).map(reply -> {
      List<Buffer> values = new ArrayList<>(fetched.size());
      for (int i = 0; i < fetched.size(); i++) {
        Response value = reply.get(i);
        values.add(value == null ? null : value.toBuffer());
      }
      return new StorageReply.Values(values);
    });
  }

  /**
   * Reads values that may add up to no more than {@code maxBytes}, never holding more than that (plus a byte a key):
   * each key's share is read with {@code GETRANGE key 0 share}, which returns one byte more than the share when the
   * value is longer; the lengths of those are asked ({@code STRLEN}), and only if all fit are they read whole
   * ({@code GETRANGE key 0 length-1}, bounded even if the key changed meanwhile). A missing key reads as the empty
   * string, which no value is (CREATE refuses it). One command per key: dearer than an {@code MGET}, which is why
   * it is taken only when the values might not fit.
   */
  private Future<StorageReply> fetchWithin(KeyBytes fetched, long maxBytes) {
    int share = (int) Math.min(Integer.MAX_VALUE - 1, Math.max(1, maxBytes / fetched.size()));
    List<Future<Response>> reads = new ArrayList<>(fetched.size());
    for (int i = 0; i < fetched.size(); i++) {
      reads.add(call(Request.cmd(Command.GETRANGE).arg(keys.of(fetched, i)).arg(0).arg(share)));
    }
    return Future.all(reads).compose(all -> {
      List<Buffer> values = new ArrayList<>(fetched.size());
      List<Integer> cut = new ArrayList<>();
      long whole = 0;
      for (int i = 0; i < reads.size(); i++) {
        Response read = reads.get(i).result();
        int length = read == null ? 0 : read.toBuffer().length();
        if (length > share) {
          cut.add(i);
          values.add(null);
        } else {
          whole += length;
          values.add(length == 0 ? null : read.toBuffer());
        }
      }
      return cut.isEmpty() ? Future.succeededFuture(new StorageReply.Values(values))
        : readCut(fetched, values, cut, whole, maxBytes);
    });
  }

  private Future<StorageReply> readCut(KeyBytes fetched, List<Buffer> values, List<Integer> cut,
      long whole, long maxBytes) {
    List<Future<Response>> lengths = new ArrayList<>(cut.size());
    for (int i : cut) {
      lengths.add(call(Request.cmd(Command.STRLEN).arg(keys.of(fetched, i))));
    }
    return Future.all(lengths).compose(all -> {
      long needed = whole;
      for (Future<Response> length : lengths) {
        needed += length.result().toLong();
      }
      if (needed > maxBytes) {
        return Future.succeededFuture(new StorageReply.OverLimit(needed));
      }
      List<Future<Response>> rest = new ArrayList<>(cut.size());
      for (int j = 0; j < cut.size(); j++) {
        long length = lengths.get(j).result().toLong();
        // removed since: nothing to read (GETRANGE key 0 -1 would read a value of any length)
        rest.add(length <= 0 ? Future.succeededFuture(null)
        : call(Request.cmd(Command.GETRANGE).arg(keys.of(fetched, cut.get(j))).arg(0).arg(length - 1)));
      }
      return Future.all(rest).map(done -> {
        for (int j = 0; j < cut.size(); j++) {
          Response value = rest.get(j).result();
          values.set(cut.get(j), value == null || value.toBuffer().length() == 0 ? null : value.toBuffer());
        }
        return new StorageReply.Values(values);
      });
    });
  }

  // In a Redis Cluster the client splits an MGET by slot but joins the parts in slot order, not key order, so
  // each key is read with its own GET (pipelined on the pooled connections) and the answers kept in key order.
  private Future<StorageReply.Values> fetchEach(KeyBytes fetched) {
    List<Future<Response>> gets = new ArrayList<>(fetched.size());
    for (int i = 0; i < fetched.size(); i++) {
      gets.add(call(Request.cmd(Command.GET).arg(keys.of(fetched, i))));
    }
    return Future.all(gets).map(all -> {
      List<Buffer> values = new ArrayList<>(fetched.size());
      for (Future<Response> get : gets) {
        values.add(get.result() == null ? null : get.result().toBuffer());
      }
      return new StorageReply.Values(values);
    });
  }

  // Commands go out pipelined on the verticle's own connection, those of one event-loop turn in one batch: no
  // pool hand-off and no write per command. A command that gets no answer (in time, or at all) replaces the
  // connection, so that the next command starts on a fresh one; an error reply does not. A Redis Cluster connection
  // cannot batch keys of different slots, so there each command goes on its own, as many out at once as the
  // client takes, and a command without an answer renews the connection rather than dropping it
  // (RedisConnectionHolder.renew).
  private Future<Response> call(Request request) {
    return call(request, CommandBatcher.RESEND);
  }

  /** @param retry how the command gets its own answer when its batch failed as a whole ({@link CommandBatcher}) */
  private Future<Response> call(Request request, CommandBatcher.Retry retry) {
    return call(request, retry, false);
  }

  /**
   * @param replicated a write that {@code durability.replicas} replicas must confirm; never on a Redis Cluster,
   *     where the settings refuse durability
   */
  private Future<Response> call(Request request, CommandBatcher.Retry retry, boolean replicated) {
    if (!cluster) {
      return batcher.send(request, retry, replicated);
    }
    long arrived = System.nanoTime();
    return clusterBound.submit(() -> sendOnCluster(request, arrived));
  }

  /** Within the storage timeout from when the command arrived, as {@link CommandBatcher} does for its own. */
  private Future<Response> sendOnCluster(Request request, long arrivedNanos) {
    long leftMs = timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - arrivedNanos);
    if (leftMs <= 0) {
      return Future.failedFuture(CommandBatcher.timedOut(timeoutMs));
    }
    Future<RedisConnection> current = connection.get();
    return current.compose(c -> c.send(request))
      .timeout(leftMs, TimeUnit.MILLISECONDS)
      .onFailure(e -> {
        // an error reply leaves the connection as good as it was; no answer, or a socket closed under the command,
        // may mean one server of the cluster is gone, which the others do not share
        if (!(e instanceof Response) || String.valueOf(e.getMessage()).contains("CONNECTION_CLOSED")) {
          connection.renew(current);
        }
      });
  }
}
