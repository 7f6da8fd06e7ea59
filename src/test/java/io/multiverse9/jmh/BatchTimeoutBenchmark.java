package io.multiverse9.jmh;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What bounding each Redis batch by the storage timeout costs on the storage verticle's event loop: a
 * {@code Future.timeout} per batch (a timer scheduled, then cancelled when Redis answers) against the deadline
 * queue of {@code storage.CommandBatcher}. Each operation is {@link #BATCHES} batches answered in time, run on one
 * event loop so that the hop to it is shared by all of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchTimeoutBenchmark {

  static final int BATCHES = 1000;

  Vertx vertx;
  Context context;

  @Setup(Level.Trial)
  public void setup() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vertx.close().await();
  }

  private void onTheLoop(Runnable batches) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      batches.run();
      done.complete();
    });
    done.future().await();
  }

  @Benchmark
  public void futureTimeoutPerBatch() {
    onTheLoop(() -> {
      for (int i = 0; i < BATCHES; i++) {
        Promise<Object> answer = Promise.promise();
        Future<Object> bounded = answer.future().timeout(3000, TimeUnit.MILLISECONDS);
        bounded.onComplete(ar -> { });
        answer.complete(i);
      }
    });
  }

  /** As CommandBatcher keeps them: each batch queued with its deadline, settled and trimmed when answered. */
  @Benchmark
  public void deadlineQueue() {
    ArrayDeque<long[]> unsettled = new ArrayDeque<>();
    onTheLoop(() -> {
      for (int i = 0; i < BATCHES; i++) {
        Promise<Object> answer = Promise.promise();
        long[] sent = {System.nanoTime() + 3_000_000_000L, 0};
        unsettled.addLast(sent);
        answer.future().onComplete(ar -> {
          sent[1] = 1;
          while (!unsettled.isEmpty() && unsettled.peekFirst()[1] == 1) {
            unsettled.pollFirst();
          }
        });
        answer.complete(i);
      }
    });
  }
}
