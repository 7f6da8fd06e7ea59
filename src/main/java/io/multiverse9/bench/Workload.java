package io.multiverse9.bench;

import com.github.f4b6a3.ulid.UlidCreator;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.multiverse9.protocol.Segments;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The request frames of one operation, for a node or (the {@code redis} ones) for Redis itself. Frames are
 * encoded before the run where they can be (the same CREATE or PING frame every time, a ring of AGGREGATE
 * frames), so that the load generator spends its CPU on sockets, not on encoding: like redis-benchmark, which
 * also sends prepared commands.
 */
public final class Workload {

  /** A key no node ever created, for REMOVE once the created keys are used up. */
  static final String ABSENT_KEY = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  /** Where bench keeps its keys in a Redis it measures directly. */
  static final String REDIS_KEY_PREFIX = "mv9bench:";
  private static final int AGGREGATE_RING = 1024;
  /** The numbered end of bench's Redis keys: 10^10 creates per run before numbers repeat (and SET NX refuses). */
  private static final int NUMBER_DIGITS = 10;

  private final String op;
  private final IntFunction<Buffer> frames;

  private Workload(String op, IntFunction<Buffer> frames) {
    this.op = op;
    this.frames = frames;
  }

  public String op() {
    return op;
  }

  public static Workload ping(Buffer payload) {
    Buffer frame = RequestEncoder.frame(Opcode.PING, payload.length() > 1024 ? payload.slice(0, 1024) : payload);
    return new Workload("ping", sequence -> frame);
  }

  public static Workload create(Buffer value) {
    Buffer frame = RequestEncoder.frame(Opcode.CREATE, value);
    return new Workload("create", sequence -> frame);
  }

  /** AGGREGATEs of {@code perRequest} consecutive targets, walking round {@code targets}. */
  public static Workload aggregate(List<String> targets, int perRequest) {
    return new Workload("aggregate", ring(targets.isEmpty() ? List.of(ABSENT_KEY) : targets, perRequest,
      chosen -> RequestEncoder.frame(Opcode.AGGREGATE, Segments.join(chosen))));
  }

  /** REMOVEs of one key each, taken from {@code keys} (thread-safe), then of a key that does not exist. */
  public static Workload remove(Queue<String> keys) {
    return new Workload("remove", sequence -> {
      String key = keys.poll();
      return RequestEncoder.frame(Opcode.REMOVE, Buffer.buffer(key != null ? key : ABSENT_KEY));
    });
  }

  /** Redis's counterpart of ping: PING. */
  public static Workload redisPing() {
    Buffer frame = RedisCommand.encode("PING");
    return new Workload("ping", sequence -> frame);
  }

  /**
   * Redis's counterpart of create, which is what a node asks of Redis for one: {@code SET key value NX} of a key
   * never used before, about as long as a node's ({@code key_prefix} and a 26-character ULID). The command is
   * encoded once; each request copies it and writes its number into the key, as a node's create frame is
   * prepared once too.
   */
  public static Workload redisCreate(Buffer value) {
    String first = redisKey(freshBase(), 0);
    Buffer template = RedisCommand.encode("SET", first, value, "NX");
    int numberAt = template.toString(StandardCharsets.ISO_8859_1).indexOf(first) + first.length() - NUMBER_DIGITS;
    AtomicLong counter = new AtomicLong();
    return new Workload("create", sequence -> {
      Buffer frame = template.copy();
      long n = counter.getAndIncrement();
      for (int i = NUMBER_DIGITS - 1; i >= 0; i--, n /= 10) {
        frame.setByte(numberAt + i, (byte) ('0' + n % 10));
      }
      return frame;
    });
  }

  /** Redis's counterpart of aggregate: MGETs of {@code perRequest} consecutive keys, walking round {@code keys}. */
  public static Workload redisAggregate(List<String> keys, int perRequest) {
    return new Workload("aggregate", ring(keys, perRequest, chosen -> {
      List<Object> mget = new ArrayList<>(chosen.size() + 1);
      mget.add("MGET");
      mget.addAll(chosen);
      return RedisCommand.encode(mget.toArray());
    }));
  }

  /** One {@code SET key value} per key, in order across all connections: run it for {@code keys.size()} requests. */
  public static Workload redisSetEach(List<String> keys, Buffer value) {
    AtomicLong next = new AtomicLong();
    return new Workload("set", sequence -> RedisCommand.encode("SET",
      keys.get((int) (next.getAndIncrement() % keys.size())), value));
  }

  /** {@code count} key names that no earlier run used. */
  public static List<String> redisKeys(int count) {
    String base = freshBase();
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(redisKey(base, i));
    }
    return keys;
  }

  /** The frame of request number {@code sequence} of a connection. */
  Buffer frame(int sequence) {
    return frames.apply(sequence);
  }

  private static IntFunction<Buffer> ring(List<String> pool, int perRequest, Function<List<String>, Buffer> encode) {
    Buffer[] frames = new Buffer[Math.min(AGGREGATE_RING, Math.max(1, pool.size()))];
    int cursor = 0;
    for (int f = 0; f < frames.length; f++) {
      List<String> chosen = new ArrayList<>(perRequest);
      for (int i = 0; i < perRequest; i++) {
        chosen.add(pool.get(cursor++ % pool.size()));
      }
      frames[f] = encode.apply(chosen);
    }
    return sequence -> frames[frames.length == 1 ? 0 : (sequence & Integer.MAX_VALUE) % frames.length];
  }

  /** 16 random characters (a ULID's random part), so that the keys of each run are new. */
  private static String freshBase() {
    return UlidCreator.getUlid().toString().substring(10);
  }

  /** {@code REDIS_KEY_PREFIX}, {@code base}, then {@code n} in {@link #NUMBER_DIGITS} decimal digits. */
  private static String redisKey(String base, long n) {
    String digits = Long.toString(n);
    return REDIS_KEY_PREFIX + base + "0".repeat(Math.max(0, NUMBER_DIGITS - digits.length())) + digits;
  }
}
