package io.multiverse9.cli;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.protocol.Address;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Drives the load of {@link BenchCommand}. Each connection runs on its own event loop with its own histogram
 * and keeps {@code pipeline} requests in flight; histograms are merged at the end, so nothing on the hot path
 * is shared but two counters.
 */
final class BenchRun {

  static final Set<String> OPERATIONS = Set.of("ping", "create", "aggregate", "remove");
  private static final int MAX_KEPT_KEYS = 1_000_000;

  interface Progress {
    void show(String op, long done, long total, double rps);
  }

  private final List<Mv9Client> clients;
  private final int pipeline;
  private final Buffer value;
  private final int keysPerAggregate;
  private final Progress progress;
  /** Keys created by this run, for aggregate and remove. */
  private final ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger createdCount = new java.util.concurrent.atomic.AtomicInteger();
  private List<String> aggregateTargets = List.of();

  BenchRun(List<Mv9Client> clients, int pipeline, int valueSize, int keysPerAggregate, Progress progress) {
    this.clients = clients;
    this.pipeline = pipeline;
    this.value = BenchCommand.filler(valueSize);
    this.keysPerAggregate = keysPerAggregate;
    this.progress = progress;
  }

  /**
   * Stores the values aggregate will read: {@code local} keys on the node itself when there are no remotes,
   * else keys on each remote, targeted as {@code KEY@remote}.
   */
  void prepareAggregateTargets(Vertx vertx, List<String> remotes, String token, int local) throws Exception {
    int perPlace = Math.max(keysPerAggregate, 100);
    List<String> targets = new ArrayList<>();
    if (remotes.isEmpty()) {
      if (local > 0) {
        for (String key : createKeys(clients.get(0), perPlace)) {
          targets.add(key);
        }
      }
    } else {
      for (String remote : remotes) {
        Address address = Address.parse(remote, false);
        Mv9Client peer = BenchCommand.connectAll(vertx, new ClientOptions()
          .withAddress(address.host(), address.port()).withToken(token), 1).get(0);
        for (String key : createKeys(peer, perPlace)) {
          targets.add(key + "@" + remote);
        }
        peer.close();
      }
      // spread each request's targets over the remotes
      List<String> interleaved = new ArrayList<>();
      for (int i = 0; i < perPlace; i++) {
        for (int r = 0; r < remotes.size(); r++) {
          interleaved.add(targets.get(r * perPlace + i));
        }
      }
      targets = interleaved;
    }
    aggregateTargets = targets;
  }

  private List<String> createKeys(Mv9Client client, int count) throws Exception {
    List<Future<String>> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add(client.create(value));
    }
    Future.all(keys).await(60, TimeUnit.SECONDS);
    return keys.stream().map(Future::result).toList();
  }

  BenchCommand.BenchResult run(String op, long total) throws Exception {
    if (op.equals("aggregate") && aggregateTargets.isEmpty()) {
      aggregateTargets = List.copyOf(created);
    }
    AtomicLong started = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Histogram> histograms = new ArrayList<>();
    List<Future<Void>> finished = new ArrayList<>();
    String[] firstError = new String[1];
    long t0 = System.nanoTime();
    for (Mv9Client client : clients) {
      Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
      histograms.add(histogram);
      Promise<Void> promise = Promise.promise();
      finished.add(promise.future());
      Worker worker = new Worker(op, client, histogram, started, done, errors, total, promise, firstError);
      for (int i = 0; i < pipeline; i++) {
        worker.next();
      }
    }
    Future<?> all = Future.all(finished);
    while (!all.isComplete()) {
      try {
        all.await(1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException stillRunning) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        progress.show(op, done.get(), total, done.get() / seconds);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Histogram merged = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    histograms.forEach(merged::add);
    return new BenchCommand.BenchResult(op, done.get(), errors.get(), seconds,
      merged.getValueAtPercentile(50) / 1000.0, merged.getValueAtPercentile(99) / 1000.0,
      merged.getValueAtPercentile(99.9) / 1000.0, merged.getMaxValue() / 1000.0, firstError[0]);
  }

  /** The requests of one connection; runs on that connection's event loop. */
  private final class Worker {
    private final String op;
    private final Mv9Client client;
    private final Histogram histogram;
    private final AtomicLong started;
    private final AtomicLong done;
    private final AtomicLong errors;
    private final long total;
    private final Promise<Void> finished;
    private final String[] firstError;
    private int inFlight;
    private int cursor;

    Worker(String op, Mv9Client client, Histogram histogram, AtomicLong started, AtomicLong done, AtomicLong errors,
           long total, Promise<Void> finished, String[] firstError) {
      this.op = op;
      this.client = client;
      this.histogram = histogram;
      this.started = started;
      this.done = done;
      this.errors = errors;
      this.total = total;
      this.finished = finished;
      this.firstError = firstError;
      this.cursor = (int) (Math.random() * 1000);
    }

    void next() {
      if (started.getAndIncrement() >= total) {
        if (inFlight == 0) {
          finished.tryComplete();
        }
        return;
      }
      inFlight++;
      long t0 = System.nanoTime();
      request().onComplete(ar -> {
        histogram.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
        inFlight--;
        done.incrementAndGet();
        if (ar.failed()) {
          errors.incrementAndGet();
          if (firstError[0] == null) {
            firstError[0] = ar.cause().getMessage();
          }
        }
        next();
      });
    }

    private Future<?> request() {
      switch (op) {
        case "ping":
          return client.ping(value.length() > 1024 ? value.slice(0, 1024) : value);
        case "create":
          return client.create(value).onSuccess(key -> {
            // ConcurrentLinkedQueue.size() walks the queue: count separately
            if (createdCount.incrementAndGet() <= MAX_KEPT_KEYS) {
              created.add(key);
            }
          });
        case "aggregate":
          List<String> targets = new ArrayList<>(keysPerAggregate);
          for (int i = 0; i < keysPerAggregate; i++) {
            targets.add(aggregateTargets.isEmpty() ? "01ARZ3NDEKTSV4RRFFQ69G5FAV"
              : aggregateTargets.get(cursor++ % aggregateTargets.size()));
          }
          return client.aggregate(targets);
        default:
          String key = created.poll();
          return client.remove(List.of(key != null ? key : "01ARZ3NDEKTSV4RRFFQ69G5FAV"));
      }
    }
  }
}
