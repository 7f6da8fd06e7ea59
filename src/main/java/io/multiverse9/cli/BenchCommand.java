package io.multiverse9.cli;

import io.multiverse9.bench.LoadGenerator;
import io.multiverse9.bench.Workload;
import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.protocol.Address;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Loads a node as redis-benchmark loads Redis (SPEC 6): {@code -c} connections, each keeping {@code -P}
 * requests in flight until {@code -n} requests are done (or for {@code --duration}), for each operation of
 * {@code -t}; then one line per operation with throughput and latency percentiles (HdrHistogram).
 */
@Command(name = "bench", sortOptions = false,
  description = {"Load a node like redis-benchmark loads Redis, and report throughput and latency.",
    "Example: ./launcher.sh bench -c 50 -n 100000 -P 16 -d 64 -t create,aggregate --keys 10",
    "Soak:    ./launcher.sh bench -t create --duration 10m --report-every 30s"})
final class BenchCommand implements Callable<Integer> {

  static final Set<String> OPERATIONS = Set.of("ping", "create", "aggregate", "remove");
  private static final int MAX_KEPT_KEYS = 1_000_000;

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit")
  boolean help;

  @Option(names = {"-h", "--host"}, defaultValue = ClientOptions.DEFAULT_HOST, description = "Node host (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = {"-p", "--port"}, description = "Node port (default: 7001; with --redis, 6379)")
  Integer port;

  @Option(names = "-c", defaultValue = "50", paramLabel = "CONNECTIONS", description = "Connections (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "-n", defaultValue = "100000", paramLabel = "REQUESTS", description = "Requests per operation (default: ${DEFAULT-VALUE})")
  long requests;

  @Option(names = "-P", defaultValue = "1", paramLabel = "DEPTH", description = "Requests in flight per connection (default: ${DEFAULT-VALUE})")
  int pipeline;

  @Option(names = "-d", defaultValue = "64", paramLabel = "BYTES", description = "Value size for create, payload for ping (default: ${DEFAULT-VALUE})")
  int valueSize;

  @Option(names = "-t", defaultValue = "ping,create,aggregate,remove", split = ",", paramLabel = "OPS",
    description = "Operations, in order (default: ${DEFAULT-VALUE})")
  List<String> operations;

  @Option(names = "--keys", defaultValue = "10", description = "Targets per aggregate (default: ${DEFAULT-VALUE})")
  int keysPerAggregate;

  @Option(names = "--remote", paramLabel = "HOST:PORT",
    description = "Peers of the node: aggregate targets are KEY@HOST:PORT for keys stored there (repeatable)")
  List<String> remotes = new ArrayList<>();

  @Option(names = "--token",
    description = "Sent with AUTH on every connection (also to --remote peers); with --redis, Redis's password")
  String token;

  @Option(names = "--rate", paramLabel = "PER_SECOND",
    description = "Pace the requests: this many per second over all connections, each request timed from when it "
      + "fell due, not from when it could be sent (-P caps the requests in flight per connection). "
      + "Without it each connection sends as soon as an answer makes room: a closed loop, as "
      + "redis-benchmark")
  Long rate;

  @Option(names = "--redis",
    description = "The server at -h/-p is Redis itself: measure what a node asks of Redis for each operation (ping: "
      + "PING; create: SET of a new key with NX; aggregate: MGET of --keys keys) with this same load "
      + "generator, as the baseline of a --rate run (bench/compare.sh -R does both)")
  boolean redis;

  @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
    description = "Run each operation for this long instead of -n requests (e.g. 90s, 10m, 1h), reporting "
      + "throughput and latency every --report-every, and the node's memory at the end: a soak run")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "TIME", converter = DurationConverter.class,
    description = "Before measuring each operation, run it for this long and discard what it measured (remove warms "
      + "up with ping, not to use up the keys it removes), so that the load generator's own JIT warm-up "
      + "is not counted as the node's latency (e.g. 5s; default: none)")
  Duration warmup;

  @Option(names = "--report-every", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
    description = "Reporting interval of a --duration run (default: ${DEFAULT-VALUE})")
  Duration reportEvery;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
    description = "Event-loop threads of the load generator (default: ${DEFAULT-VALUE}, like redis-benchmark, so "
      + "that on a shared machine it takes as little CPU from the node as it can)")
  int threads;

  @Option(names = "--json", description = "Print each result as a JSON line instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Logging.configure(false);
    for (String op : operations) {
      if (!OPERATIONS.contains(op)) {
        System.err.println("bench: unknown operation \"" + op + "\"; use " + String.join(",", OPERATIONS));
        return 2;
      }
    }
    if (connections < 1 || requests < 1 || pipeline < 1 || valueSize < 1 || keysPerAggregate < 1 || threads < 1) {
      System.err.println("bench: -c, -n, -P, -d, --keys and --threads must be 1 or more");
      return 2;
    }
    if (duration != null && (duration.isZero() || reportEvery.isZero())) {
      System.err.println("bench: --duration and --report-every must be longer than 0");
      return 2;
    }
    if (warmup != null && (warmup.isZero() || warmup.isNegative())) {
      System.err.println("bench: --warmup must be longer than 0 (leave it out for no warm-up)");
      return 2;
    }
    if (rate != null && rate < 1) {
      System.err.println("bench: --rate must be 1 or more requests per second (leave it out for no pacing)");
      return 2;
    }
    if (redis && (operations.contains("remove") || !remotes.isEmpty())) {
      System.err.println("bench: --redis measures ping, create and aggregate of one Redis server; leave out -t remove"
        + " and --remote");
      return 2;
    }
    if (port == null) {
      port = redis ? 6379 : 7001;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads).setPreferNativeTransport(true));
    try {
      LoadGenerator generator = redis ? LoadGenerator.connectToRedis(vertx, host, port, connections, pipeline, token)
        : LoadGenerator.connect(vertx, host, port, connections, pipeline, token);
      Buffer value = filler(valueSize);
      // keys are kept only when a later operation reads or removes them
      boolean keep = operations.contains("remove") || (operations.contains("aggregate") && remotes.isEmpty());
      Queue<String> created = new ConcurrentLinkedQueue<>();
      AtomicInteger kept = new AtomicInteger();
      Consumer<String> keys = !keep ? null : key -> {
        if (kept.incrementAndGet() <= MAX_KEPT_KEYS) {
          created.add(key);
        }
      };
      for (String op : operations) {
        Workload workload = redis ? redisWorkload(op, generator, value) : switch (op) {
          case "ping" -> Workload.ping(value);
          case "create" -> Workload.create(value);
          case "aggregate" -> Workload.aggregate(aggregateTargets(vertx, generator, created, value),
            keysPerAggregate);
          default -> Workload.remove(created);
        };
        double pace = rate == null ? 0 : rate;
        if (warmup != null) {
          Workload warming = op.equals("remove") ? Workload.ping(value) : workload;
          generator.run(warming, 0, warmup, pace, null, null, (o, done, total, rps) ->
            progress(o + " warm-up (not measured)", done, total, rps), null);
        }
        LoadGenerator.Result result = generator.run(workload, requests, duration, pace, reportEvery,
          op.equals("create") && !redis ? keys : null, this::progress, duration == null ? null : this::interval);
        System.err.print("\r\033[K");
        JsonObject memory = duration == null ? null : nodeMemory(vertx);
        System.out.println(json ? toJson(result, memory).encode() : toText(result, memory));
      }
      generator.close();
      return 0;
    } catch (Exception e) {
      System.err.println("\nbench: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** What a node asks of Redis for {@code op}; aggregate reads keys set for the purpose first. */
  private Workload redisWorkload(String op, LoadGenerator generator, Buffer value) throws Exception {
    return switch (op) {
      case "ping" -> Workload.redisPing();
      case "create" -> Workload.redisCreate(value);
      default -> {
        List<String> keys = Workload.redisKeys(Math.max(keysPerAggregate, 100));
        LoadGenerator.Result set = generator.run(Workload.redisSetEach(keys, value), keys.size(), null, 0, null,
          null, null, null);
        if (set.errors() > 0) {
          throw new Exception("cannot set the keys to MGET: " + set.firstError());
        }
        yield Workload.redisAggregate(keys, keysPerAggregate);
      }
    };
  }

  /**
   * What aggregate reads: keys created on each {@code --remote} (as {@code KEY@remote}, interleaved so every
   * request spans the peers); else keys this run created, or a hundred made for the purpose.
   */
  private List<String> aggregateTargets(Vertx vertx, LoadGenerator local, Queue<String> created, Buffer value)
    throws Exception {
    int perPlace = Math.max(keysPerAggregate, 100);
    if (remotes.isEmpty()) {
      if (created.isEmpty()) {
        createKeys(local, perPlace, value, created::add);
      }
      return List.copyOf(created);
    }
    List<List<String>> perRemote = new ArrayList<>();
    for (String remote : remotes) {
      Address address = Address.parse(remote, false);
      LoadGenerator peer = LoadGenerator.connect(vertx, address.host(), address.port(), 1, 64, token);
      List<String> targets = Collections.synchronizedList(new ArrayList<>());
      createKeys(peer, perPlace, value, key -> targets.add(key + "@" + remote));
      peer.close();
      perRemote.add(targets);
    }
    List<String> interleaved = new ArrayList<>();
    for (int i = 0; i < perPlace; i++) {
      for (List<String> targets : perRemote) {
        interleaved.add(targets.get(i));
      }
    }
    return interleaved;
  }

  private static void createKeys(LoadGenerator generator, int count, Buffer value, Consumer<String> keys)
    throws Exception {
    LoadGenerator.Result made = generator.run(Workload.create(value), count, null, 0, null, keys, null, null);
    if (made.errors() > 0) {
      throw new Exception("cannot create the keys to aggregate: " + made.firstError());
    }
  }

  /** The node's memory from METADATA, or {@code null} when the node does not tell it to us. */
  private JsonObject nodeMemory(Vertx vertx) {
    try {
      Mv9Client client = Mv9Client.connect(vertx, new ClientOptions().withAddress(host, port).withToken(token))
        .await(10, TimeUnit.SECONDS);
      try {
        return client.metadata().await(10, TimeUnit.SECONDS).getJsonObject("memory");
      } finally {
        client.close();
      }
    } catch (Exception e) {
      return null;
    }
  }

  private void progress(String op, long done, long total, double rps) {
    if (total > 0) {
      System.err.printf(Locale.ROOT, "\r\033[K%s: %d/%d requests, %.0f requests per second", op, done, total, rps);
    } else {
      System.err.printf(Locale.ROOT, "\r\033[K%s: %d requests, %.0f requests per second", op, done, rps);
    }
  }

  private void interval(LoadGenerator.Interval i) {
    System.err.print("\r\033[K");
    if (json) {
      System.out.println(new JsonObject().put("op", i.op()).put("interval_end_s", Math.round(i.elapsedSeconds()))
        .put("rps", i.rps()).put("p50_ms", i.p50Ms()).put("p99_ms", i.p99Ms()).put("errors", i.errors()).encode());
    } else {
      System.out.printf(Locale.ROOT, "%s at %4ds: %.0f requests per second, p50=%.3f ms, p99=%.3f ms, %d errors%n",
        i.op().toUpperCase(Locale.ROOT), Math.round(i.elapsedSeconds()), i.rps(), i.p50Ms(), i.p99Ms(), i.errors());
    }
  }

  private String toText(LoadGenerator.Result r, JsonObject memory) {
    return String.format(Locale.ROOT,
      "%s: %.2f requests per second, p50=%.3f ms, p99=%.3f ms, p99.9=%.3f ms, max=%.3f ms"
        + " (%s%d requests, %d connections, pipeline %d, %d-byte values%s%s%s%s)%s",
      r.op().toUpperCase(Locale.ROOT), r.rps(), r.percentileMs(50), r.percentileMs(99), r.percentileMs(99.9),
      r.maxMs(), redis ? "Redis itself, " : "", r.requests(), connections, pipeline, valueSize,
      r.op().equals("aggregate") ? ", " + keysPerAggregate + " keys each" : "",
      paceNote(r),
      warmup == null ? "" : ", after a " + DurationConverter.format(warmup) + " warm-up",
      r.errors() == 0 ? "" : ", " + r.errors() + " errors, first: " + r.firstError(),
      memory == null ? "" : String.format(Locale.ROOT, "%nnode memory after the run: heap %.1f MiB%s",
        memory.getLong("heap_used_bytes", 0L) / 1048576.0, memory.containsKey("rss_bytes")
          ? String.format(Locale.ROOT, ", resident %.1f MiB", memory.getLong("rss_bytes") / 1048576.0) : ""));
  }

  private String paceNote(LoadGenerator.Result r) {
    if (rate == null) {
      return "";
    }
    return ", paced at " + rate + " per second" + (r.rps() >= 0.95 * rate ? "" : "; the server fell behind the"
      + " pace, so these latencies include the wait of requests that were due but could not be sent yet");
  }

  private JsonObject toJson(LoadGenerator.Result r, JsonObject memory) {
    JsonObject json = new JsonObject().put("op", r.op()).put("requests", r.requests()).put("errors", r.errors())
      .put("seconds", r.seconds()).put("rps", r.rps())
      .put("p50_ms", r.percentileMs(50)).put("p99_ms", r.percentileMs(99)).put("p999_ms", r.percentileMs(99.9))
      .put("max_ms", r.maxMs())
      .put("connections", connections).put("pipeline", pipeline).put("value_bytes", valueSize)
      .put("warmup_s", warmup == null ? 0 : warmup.toMillis() / 1000.0)
      .put("rate", rate == null ? 0 : rate).put("server", redis ? "redis" : "node")
      .put("keys", r.op().equals("aggregate") ? keysPerAggregate : 1).put("first_error", r.firstError());
    if (memory != null) {
      json.put("node_memory", memory);
    }
    return json;
  }

  static Buffer filler(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'x');
    return Buffer.buffer(bytes);
  }

  /** {@code 90s}, {@code 10m}, {@code 1h}, {@code 500ms}, or plain seconds. */
  static final class DurationConverter implements ITypeConverter<Duration> {

    static String format(Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public Duration convert(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      try {
        if (t.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long amount = Long.parseLong(t.replaceAll("[smh]$", ""));
        return switch (t.charAt(t.length() - 1)) {
          case 'm' -> Duration.ofMinutes(amount);
          case 'h' -> Duration.ofHours(amount);
          default -> Duration.ofSeconds(amount);
        };
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw new TypeConversionException(
          "\"" + text + "\" is not a time; write it as 90s, 10m or 1h");
      }
    }
  }
}
