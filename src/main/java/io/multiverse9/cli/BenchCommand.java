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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Loads a node as redis-benchmark loads Redis (SPEC 6): {@code -c} connections, each keeping {@code -P}
 * requests in flight until {@code -n} requests are done (or for {@code --duration}), for each operation of
 * {@code -t}; then one line per operation with throughput and latency percentiles (HdrHistogram). Its options
 * are {@link BenchOptions}, what it prints {@link BenchReport}; this runs the operations in order.
 */
@Command(name = "bench", sortOptions = false,
  description = {"Load a node like redis-benchmark loads Redis, and report throughput and latency.",
    "Example: ./launcher.sh bench -c 50 -n 100000 -P 16 -d 64 -t create,aggregate --keys 10",
    "Soak:    ./launcher.sh bench -t create --duration 10m --report-every 30s"})
final class BenchCommand implements Callable<Integer> {

  private static final int MAX_KEPT_KEYS = 1_000_000;

  @Mixin
  BenchOptions options;

  @Override
  public Integer call() throws Exception {
    Logging.configure(false);
    String invalid = options.invalid();
    if (invalid != null) {
      System.err.println("bench: " + invalid);
      return 2;
    }
    LoadPlan plan = options.plan();
    ProcessCpu processes;
    try {
      processes = options.cpu.isEmpty() ? null : ProcessCpu.of(options.cpu);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    BenchReport report = new BenchReport(plan, options.json);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.threads)
      .setPreferNativeTransport(true));
    try {
      LoadGenerator generator = connect(vertx, plan);
      Buffer value = filler(plan.valueSize());
      Queue<String> created = new ConcurrentLinkedQueue<>();
      Consumer<String> keys = plan.keepsCreatedKeys() ? keepingAtMost(MAX_KEPT_KEYS, created) : null;
      for (String op : plan.operations()) {
        Workload workload = workload(op, plan, vertx, generator, created, value);
        long warmedUp = plan.warmup() == null ? 0
          : warmUp(plan, generator, op.equals("remove") ? Workload.ping(value) : workload, report);
        ProcessCpu.Start cpuAtStart = processes == null ? null : processes.start();
        LoadGenerator.Result result = measure(op, plan, generator, workload, keys, report);
        Map<String, Double> cpuPerRequest = cpuAtStart == null ? null : cpuAtStart.perRequest(result.requests());
        JsonObject memory = plan.duration() == null ? null : nodeMemory(vertx, plan);
        report.result(result, warmedUp, cpuPerRequest, memory);
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

  private static Workload workload(String op, LoadPlan plan, Vertx vertx, LoadGenerator generator,
                                   Queue<String> created, Buffer value) throws Exception {
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

  /** The unmeasured run before an operation's; returns how many requests it made. */
  private static long warmUp(LoadPlan plan, LoadGenerator generator, Workload warming, BenchReport report)
    throws Exception {
    return generator.run(warming, plan.warmUp().showing((o, done, total, rps) ->
      report.progress(o + " warm-up (not measured)", done, total, rps))).requests();
  }

  /** The measured run of {@code op}; the keys that create makes go to {@code keys} (a node's only). */
  private static LoadGenerator.Result measure(String op, LoadPlan plan, LoadGenerator generator, Workload workload,
                                              Consumer<String> keys, BenchReport report) throws Exception {
    LoadGenerator.Run run = plan.measured().showing(report::progress)
      .collectingKeys(op.equals("create") && !plan.redis() ? keys : null);
    if (plan.duration() != null) {
      run = run.reportingEvery(plan.reportEvery(), report::interval);
    }
    LoadGenerator.Result result = generator.run(workload, run);
    report.endProgress();
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

  static Buffer filler(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'x');
    return Buffer.buffer(bytes);
  }

}
