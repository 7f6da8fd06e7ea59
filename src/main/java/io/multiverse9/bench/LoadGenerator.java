package io.multiverse9.bench;

import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The connections of one benchmark against one node (or a Redis server, for a baseline measured by the same
 * code), and the runs over them. Connections are spread over the
 * event loops of the given Vert.x (the bench command gives it one loop, as redis-benchmark runs one thread, so
 * the load generator takes as little of a shared machine as it can); the calling thread only waits, reports
 * progress and watches for a node that stopped answering.
 */
public final class LoadGenerator {

  /** A run with no answer for this long is given up rather than left hanging. */
  static final Duration STALL = Duration.ofSeconds(30);

  /** Progress of a run, about once a second. */
  public interface Progress {
    void show(String op, long done, long total, double rps);
  }

  /** Throughput and latency of one reporting interval of a timed run. */
  public record Interval(String op, double elapsedSeconds, double rps, double p50Ms, double p99Ms, long errors) {
  }

  /** What one run measured; latencies in microseconds. */
  public record Result(String op, long requests, long errors, double seconds, Histogram latencies,
                       String firstError) {

    public double rps() {
      return requests / seconds;
    }

    public double percentileMs(double percentile) {
      return latencies.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMs() {
      return latencies.getMaxValue() / 1000.0;
    }
  }

  private record Connected(LoadConnection connection, Context context) {
  }

  /**
   * How bench speaks to one kind of server: how answers are framed, and a question only that kind answers with
   * success (named for messages).
   */
  private record Dialect(AnswerFraming framing, Buffer check, String checkName, String kind) {
  }

  private static final Dialect NODE = new Dialect(NodeAnswers.INSTANCE,
    RequestEncoder.frame(Opcode.PING, Buffer.buffer()), "PING",
    "a multiverse9 node? (bench --redis measures a Redis server)");
  /** ECHO, not PING: a node speaks RESP too and answers PING, but ECHO is not one of its commands. */
  private static final Dialect REDIS = new Dialect(RedisAnswers.INSTANCE, RedisCommand.encode("ECHO", "bench"),
    "ECHO", "a Redis server? (bench without --redis measures a node)");
  /** A server that does not answer the check in this time is not the kind of server bench was told it is. */
  private static final long CHECK_SECONDS = 5;

  private final NetClient client;
  private final List<Connected> connections;

  private LoadGenerator(NetClient client, List<Connected> connections) {
    this.client = client;
    this.connections = connections;
  }

  /**
   * Opens {@code count} connections to a node, each sending AUTH first when {@code token} is set. Blocks the
   * calling thread, which must not be a Vert.x thread.
   */
  public static LoadGenerator connect(Vertx vertx, String host, int port, int count, int pipeline, String token)
    throws Exception {
    Buffer auth = token == null ? null : RequestEncoder.frame(Opcode.AUTH, Buffer.buffer(token, "UTF-8"));
    return connect(vertx, host, port, count, pipeline, auth, NODE);
  }

  /**
   * Opens {@code count} connections to a Redis server, to measure Redis with the {@code redis} workloads; each
   * sends {@code AUTH password} first when {@code password} is set.
   */
  public static LoadGenerator connectToRedis(Vertx vertx, String host, int port, int count, int pipeline,
                                             String password) throws Exception {
    Buffer auth = password == null ? null : RedisCommand.encode("AUTH", password);
    return connect(vertx, host, port, count, pipeline, auth, REDIS);
  }

  /**
   * Each connection sends AUTH first when {@code auth} is set, then its dialect's check, so that a server of the
   * wrong kind (a Redis where a node was meant, or the other way round) is reported at once, not after a stalled run.
   */
  private static LoadGenerator connect(Vertx vertx, String host, int port, int count, int pipeline, Buffer auth,
                                       Dialect dialect) throws Exception {
    NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
    List<Future<Connected>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Context context = vertx.getOrCreateContext();
      Promise<Connected> opened = Promise.promise();
      // connected from the context, so that the socket's handlers run on it
      context.runOnContext(v -> client.connect(port, host)
        .map(socket -> new LoadConnection(vertx, socket, dialect.framing(), pipeline))
        .compose(c -> auth == null ? Future.succeededFuture(c)
          : c.ask(auth).recover(e -> Future.failedFuture("AUTH refused: " + e.getMessage())).map(ok -> c))
        .compose(c -> c.ask(dialect.check()).timeout(CHECK_SECONDS, TimeUnit.SECONDS)
          .recover(e -> Future.failedFuture((e instanceof TimeoutException ? "no answer to " + dialect.checkName()
            + " in " + CHECK_SECONDS + " s" : dialect.checkName() + " failed (" + e.getMessage() + ")")
            + "; is it " + dialect.kind()))
          .map(ok -> c))
        .map(c -> new Connected(c, context))
        .onComplete(opened));
      opening.add(opened.future());
    }
    try {
      Future.all(opening).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      client.close();
      throw new Exception("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new LoadGenerator(client, opening.stream().map(Future::result).toList());
  }

  /**
   * How long one run lasts and what it reports. A setup run (keys to read or remove later) is
   * {@code Run.requests(n)}, with nothing more: no pacing, no reports.
   *
   * @param total requests to send; ignored when {@code duration} is set
   * @param duration how long a timed run lasts, or {@code null} to send {@code total} requests
   * @param rate requests per second over all connections (each connection takes its share, the connections
   *             staggered so that requests fall due evenly), or 0 to send each request as soon as there is room
   * @param reportEvery interval of the reports to {@code intervals}
   * @param keys receives each created key (create only), or {@code null}
   * @param progress shown about once a second, or {@code null}
   * @param intervals receives a report every {@code reportEvery} of a timed run, or {@code null}
   */
  public record Run(long total, Duration duration, double rate, Duration reportEvery, Consumer<String> keys,
                    Progress progress, Consumer<Interval> intervals) {

    /** {@code total} requests, as fast as the connections allow. */
    public static Run requests(long total) {
      return new Run(total, null, 0, null, null, null, null);
    }

    /** Requests for {@code duration}, as fast as the connections allow. */
    public static Run lasting(Duration duration) {
      return new Run(0, duration, 0, null, null, null, null);
    }

    /** This run paced at {@code rate} requests per second, or not paced when 0. */
    public Run paced(double rate) {
      return new Run(total, duration, rate, reportEvery, keys, progress, intervals);
    }

    public Run collectingKeys(Consumer<String> keys) {
      return new Run(total, duration, rate, reportEvery, keys, progress, intervals);
    }

    public Run showing(Progress progress) {
      return new Run(total, duration, rate, reportEvery, keys, progress, intervals);
    }

    public Run reportingEvery(Duration reportEvery, Consumer<Interval> intervals) {
      return new Run(total, duration, rate, reportEvery, keys, progress, intervals);
    }
  }

  /** Runs {@code workload} for the requests or the time {@code run} says. */
  public Result run(Workload workload, Run run) throws Exception {
    long total = run.total();
    Duration duration = run.duration();
    double rate = run.rate();
    Duration reportEvery = run.reportEvery();
    Consumer<String> keys = run.keys();
    Progress progress = run.progress();
    Consumer<Interval> intervals = run.intervals();
    Tally tally = new Tally(duration == null ? total : 0);
    long t0 = System.nanoTime();
    double interval = rate > 0 ? connections.size() * 1e9 / rate : 0;
    List<Future<Void>> finished = new ArrayList<>();
    for (int i = 0; i < connections.size(); i++) {
      Connected c = connections.get(i);
      LoadConnection.Schedule schedule = rate > 0
        ? new LoadConnection.Schedule(t0 + (long) (i * interval / connections.size()), interval) : null;
      Promise<Void> done = Promise.promise();
      c.context().runOnContext(v -> c.connection().run(workload, tally, schedule, keys).onComplete(done));
      finished.add(done.future());
    }
    Future<?> all = Future.all(finished);
    Histogram latencies = new Histogram(Tally.HIGHEST_MICROS, 3);
    Histogram window = new Histogram(Tally.HIGHEST_MICROS, 3);
    Histogram taken = null;
    long windowStart = t0;
    long windowAnswered = 0;
    long windowErrors = 0;
    long lastAnswered = -1;
    long lastProgressAt = t0;
    while (!all.isComplete()) {
      try {
        all.await(1, TimeUnit.SECONDS);
      } catch (TimeoutException stillRunning) {
        // reported below
      }
      long now = System.nanoTime();
      taken = tally.takeLatencies(taken);
      latencies.add(taken);
      window.add(taken);
      long answered = tally.answered();
      if (answered != lastAnswered) {
        lastAnswered = answered;
        lastProgressAt = now;
      } else if (now - lastProgressAt > STALL.toNanos()) {
        tally.stop();
        tally.failed("no answer for " + STALL.toSeconds() + " s: the node stopped answering");
        break;
      }
      double elapsed = (now - t0) / 1e9;
      if (duration != null && now - t0 >= duration.toNanos()) {
        tally.stop();
      }
      if (intervals != null && reportEvery != null && now - windowStart >= reportEvery.toNanos()) {
        double seconds = (now - windowStart) / 1e9;
        intervals.accept(new Interval(workload.op(), elapsed, (answered - windowAnswered) / seconds,
          window.getValueAtPercentile(50) / 1000.0, window.getValueAtPercentile(99) / 1000.0,
          tally.errors() - windowErrors));
        window.reset();
        windowStart = now;
        windowAnswered = answered;
        windowErrors = tally.errors();
      }
      if (progress != null && !all.isComplete()) {
        progress.show(workload.op(), answered, duration == null ? total : 0, answered / elapsed);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    latencies.add(tally.takeLatencies(taken));
    return new Result(workload.op(), tally.answered(), tally.errors(), seconds, latencies, tally.firstError());
  }

  public void close() throws Exception {
    Future.join(connections.stream().map(c -> c.connection().close()).toList()).await(10, TimeUnit.SECONDS);
    client.close().await(10, TimeUnit.SECONDS);
  }
}
