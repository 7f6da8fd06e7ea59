package io.multiverse9.cli;

import io.multiverse9.bench.LoadGenerator;
import io.multiverse9.bench.LoadPlan;
import io.multiverse9.bench.ProcessCpu;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
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

  @Option(names = "--cpu", paramLabel = "NAME=PID[,PID...]",
    description = "Also report the CPU time (user + system) these processes, and the bench itself, spent per request "
      + "during each measured run, read from /proc (Linux): on a machine whose cores they share, who spends them "
      + "(repeatable; e.g. --cpu node=1234 --cpu redis=1240)")
  List<String> cpu = new ArrayList<>();

  @Option(names = "--json", description = "Print each result as a JSON line instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Logging.configure(false);
    String invalid = invalidOptions();
    if (invalid != null) {
      System.err.println("bench: " + invalid);
      return 2;
    }
    LoadPlan plan = plan();
    ProcessCpu processes;
    try {
      processes = cpu.isEmpty() ? null : ProcessCpu.of(cpu);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads).setPreferNativeTransport(true));
    try {
      LoadGenerator generator = connect(vertx, plan);
      Buffer value = filler(plan.valueSize());
      Queue<String> created = new ConcurrentLinkedQueue<>();
      Consumer<String> keys = plan.keepsCreatedKeys() ? keepingAtMost(MAX_KEPT_KEYS, created) : null;
      for (String op : plan.operations()) {
        Workload workload = workload(op, plan, vertx, generator, created, value);
        long warmedUp = plan.warmup() == null ? 0
          : warmUp(op, plan, generator, op.equals("remove") ? Workload.ping(value) : workload);
        ProcessCpu.Start cpuAtStart = processes == null ? null : processes.start();
        LoadGenerator.Result result = measure(op, plan, generator, workload, keys);
        Map<String, Double> cpuPerRequest = cpuAtStart == null ? null : cpuAtStart.perRequest(result.requests());
        JsonObject memory = plan.duration() == null ? null : nodeMemory(vertx, plan);
        System.out.println(json ? toJson(result, warmedUp, cpuPerRequest, memory, plan).encode()
          : toText(result, cpuPerRequest, memory, plan));
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

  /** What is wrong with the options, or {@code null} when bench can run them. */
  private String invalidOptions() {
    for (String op : operations) {
      if (!OPERATIONS.contains(op)) {
        return "unknown operation \"" + op + "\"; use " + String.join(",", OPERATIONS);
      }
    }
    if (connections < 1 || requests < 1 || pipeline < 1 || valueSize < 1 || keysPerAggregate < 1 || threads < 1) {
      return "-c, -n, -P, -d, --keys and --threads must be 1 or more";
    }
    if (duration != null && (duration.isZero() || reportEvery.isZero())) {
      return "--duration and --report-every must be longer than 0";
    }
    if (warmup != null && (warmup.isZero() || warmup.isNegative())) {
      return "--warmup must be longer than 0 (leave it out for no warm-up)";
    }
    if (rate != null && rate < 1) {
      return "--rate must be 1 or more requests per second (leave it out for no pacing)";
    }
    if (redis && (operations.contains("remove") || !remotes.isEmpty())) {
      return "--redis measures ping, create and aggregate of one Redis server; leave out -t remove and --remote";
    }
    return null;
  }

  /** The options, once checked, as the load to put on the server; the port defaults by the kind of server. */
  private LoadPlan plan() {
    return new LoadPlan(host, port != null ? port : redis ? 6379 : 7001, connections, requests, pipeline,
      valueSize, List.copyOf(operations), keysPerAggregate, List.copyOf(remotes), token, rate, redis, duration,
      warmup, reportEvery);
  }

  private static LoadGenerator connect(Vertx vertx, LoadPlan plan) throws Exception {
    return plan.redis()
      ? LoadGenerator.connectToRedis(vertx, plan.host(), plan.port(), plan.connections(), plan.pipeline(),
        plan.token())
      : LoadGenerator.connect(vertx, plan.host(), plan.port(), plan.connections(), plan.pipeline(), plan.token());
  }

  /** Adds keys to {@code kept} until it holds {@code most}, to bound the memory of a long run. */
  private static Consumer<String> keepingAtMost(int most, Queue<String> kept) {
    AtomicInteger count = new AtomicInteger();
    return key -> {
      if (count.incrementAndGet() <= most) {
        kept.add(key);
      }
    };
  }

  private Workload workload(String op, LoadPlan plan, Vertx vertx, LoadGenerator generator, Queue<String> created,
                            Buffer value) throws Exception {
    if (plan.redis()) {
      return redisWorkload(op, plan, generator, value);
    }
    return switch (op) {
      case "ping" -> Workload.ping(value);
      case "create" -> Workload.create(value);
      case "aggregate" -> Workload.aggregate(aggregateTargets(plan, vertx, generator, created, value),
        plan.keysPerAggregate());
      default -> Workload.remove(created);
    };
  }

  /** The unmeasured run before {@code op}'s; returns how many requests it made. */
  private long warmUp(String op, LoadPlan plan, LoadGenerator generator, Workload warming) throws Exception {
    return generator.run(warming, plan.warmUp().showing((o, done, total, rps) ->
      progress(o + " warm-up (not measured)", done, total, rps))).requests();
  }

  /** The measured run of {@code op}; the keys that create makes go to {@code keys} (a node's only). */
  private LoadGenerator.Result measure(String op, LoadPlan plan, LoadGenerator generator, Workload workload,
                                       Consumer<String> keys) throws Exception {
    LoadGenerator.Run run = plan.measured().showing(this::progress)
      .collectingKeys(op.equals("create") && !plan.redis() ? keys : null);
    if (plan.duration() != null) {
      run = run.reportingEvery(plan.reportEvery(), this::interval);
    }
    LoadGenerator.Result result = generator.run(workload, run);
    System.err.print("\r\033[K");
    return result;
  }

  /** What a node asks of Redis for {@code op}; aggregate reads keys set for the purpose first. */
  private static Workload redisWorkload(String op, LoadPlan plan, LoadGenerator generator, Buffer value)
    throws Exception {
    return switch (op) {
      case "ping" -> Workload.redisPing();
      case "create" -> Workload.redisCreate(value);
      default -> {
        List<String> keys = Workload.redisKeys(plan.keysToMakeForAggregate());
        LoadGenerator.Result set = generator.run(Workload.redisSetEach(keys, value),
          LoadGenerator.Run.requests(keys.size()));
        if (set.errors() > 0) {
          throw new Exception("cannot set the keys to MGET: " + set.firstError());
        }
        yield Workload.redisAggregate(keys, plan.keysPerAggregate());
      }
    };
  }

  /**
   * What aggregate reads: keys created on each {@code --remote} (as {@code KEY@remote}, interleaved so every
   * request spans the peers); else keys this run created, or a hundred made for the purpose.
   */
  private static List<String> aggregateTargets(LoadPlan plan, Vertx vertx, LoadGenerator local,
                                               Queue<String> created, Buffer value) throws Exception {
    int perPlace = plan.keysToMakeForAggregate();
    if (plan.remotes().isEmpty()) {
      if (created.isEmpty()) {
        createKeys(local, perPlace, value, created::add);
      }
      return List.copyOf(created);
    }
    List<List<String>> perRemote = new ArrayList<>();
    for (String remote : plan.remotes()) {
      Address address = Address.parse(remote, false);
      LoadGenerator peer = LoadGenerator.connect(vertx, address.host(), address.port(), 1, 64, plan.token());
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
    LoadGenerator.Result made = generator.run(Workload.create(value),
      LoadGenerator.Run.requests(count).collectingKeys(keys));
    if (made.errors() > 0) {
      throw new Exception("cannot create the keys to aggregate: " + made.firstError());
    }
  }

  /** The node's memory from METADATA, or {@code null} when the node does not tell it to us. */
  private static JsonObject nodeMemory(Vertx vertx, LoadPlan plan) {
    try {
      Mv9Client client = Mv9Client.connect(vertx,
          new ClientOptions().withAddress(plan.host(), plan.port()).withToken(plan.token()))
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

  private static String toText(LoadGenerator.Result r, Map<String, Double> cpuPerRequest, JsonObject memory,
                               LoadPlan plan) {
    return String.format(Locale.ROOT,
      "%s: %.2f requests per second, p50=%.3f ms, p99=%.3f ms, p99.9=%.3f ms, max=%.3f ms"
        + " (%s%d requests, %d connections, pipeline %d, %d-byte values%s%s%s%s)%s",
      r.op().toUpperCase(Locale.ROOT), r.rps(), r.percentileMs(50), r.percentileMs(99), r.percentileMs(99.9),
      r.maxMs(), plan.redis() ? "Redis itself, " : "", r.requests(), plan.connections(), plan.pipeline(),
      plan.valueSize(), r.op().equals("aggregate") ? ", " + plan.keysPerAggregate() + " keys each" : "",
      paceNote(r, plan.rate()),
      plan.warmup() == null ? "" : ", after a " + DurationConverter.format(plan.warmup()) + " warm-up",
      r.errors() == 0 ? "" : ", " + r.errors() + " errors, first: " + r.firstError(),
      memory == null ? "" : String.format(Locale.ROOT, "%nnode memory after the run: heap %.1f MiB%s",
        memory.getLong("heap_used_bytes", 0L) / 1048576.0, memory.containsKey("rss_bytes")
          ? String.format(Locale.ROOT, ", resident %.1f MiB", memory.getLong("rss_bytes") / 1048576.0) : ""))
      + (cpuPerRequest == null ? "" : cpuPerRequest.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.1f us", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", ", String.format("%nCPU per request: "), "")));
  }

  private static String paceNote(LoadGenerator.Result r, Long rate) {
    if (rate == null) {
      return "";
    }
    return ", paced at " + rate + " per second" + (r.rps() >= 0.95 * rate ? "" : "; the server fell behind the"
      + " pace, so these latencies include the wait of requests that were due but could not be sent yet");
  }

  /**
   * One result as JSON. {@code warmup_requests} is there for scripts that divide the CPU time a server spent
   * during the whole bench (warm-up included) by the requests it answered.
   */
  private static JsonObject toJson(LoadGenerator.Result r, long warmedUp, Map<String, Double> cpuPerRequest,
                                  JsonObject memory, LoadPlan plan) {
    JsonObject json = new JsonObject().put("op", r.op()).put("requests", r.requests()).put("errors", r.errors())
      .put("seconds", r.seconds()).put("rps", r.rps())
      .put("p50_ms", r.percentileMs(50)).put("p99_ms", r.percentileMs(99)).put("p999_ms", r.percentileMs(99.9))
      .put("max_ms", r.maxMs())
      .put("connections", plan.connections()).put("pipeline", plan.pipeline()).put("value_bytes", plan.valueSize())
      .put("warmup_s", plan.warmup() == null ? 0 : plan.warmup().toMillis() / 1000.0)
      .put("warmup_requests", warmedUp)
      .put("rate", plan.rate() == null ? 0 : plan.rate()).put("server", plan.redis() ? "redis" : "node")
      .put("keys", r.op().equals("aggregate") ? plan.keysPerAggregate() : 1).put("first_error", r.firstError());
    if (memory != null) {
      json.put("node_memory", memory);
    }
    if (cpuPerRequest != null) {
      json.put("cpu_us_per_request", new JsonObject(new LinkedHashMap<>(cpuPerRequest)));
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
