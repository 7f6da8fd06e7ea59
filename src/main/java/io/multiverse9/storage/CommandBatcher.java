package io.multiverse9.storage;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends the commands that one event-loop turn produced as one pipelined batch: one write to Redis (one system
 * call, one read on Redis's side) for all the requests that arrived together, instead of one each. A command
 * waits at most until the tasks already queued on the event loop have run, so batching adds no timer and no
 * measurable latency. Each batch is bounded by the storage timeout; a batch that fails fails every command in
 * it (Redis error replies to our commands are whole-server conditions such as OOM or READONLY).
 *
 * <p>Used from the storage verticle's context only.
 */
final class CommandBatcher {

  private record Pending(Request request, Promise<Response> answer) {
  }

  private final Context context;
  private final Supplier<Future<RedisConnection>> connection;
  private final long timeoutMs;
  private final Consumer<Future<RedisConnection>> onFailure;
  private List<Pending> pending = new ArrayList<>();

  /**
   * @param connection the connection to send on, opened on demand
   * @param onFailure called with the connection a batch failed on, so that the next batch starts afresh
   */
  CommandBatcher(Context context, Supplier<Future<RedisConnection>> connection, long timeoutMs,
                 Consumer<Future<RedisConnection>> onFailure) {
    this.context = context;
    this.connection = connection;
    this.timeoutMs = timeoutMs;
    this.onFailure = onFailure;
  }

  Future<Response> send(Request request) {
    Promise<Response> answer = Promise.promise();
    if (pending.isEmpty()) {
      context.runOnContext(v -> flush());
    }
    pending.add(new Pending(request, answer));
    return answer.future();
  }

  private void flush() {
    List<Pending> batch = pending;
    pending = new ArrayList<>(Math.max(4, batch.size()));
    Future<RedisConnection> current = connection.get();
    current
      .compose(c -> batch.size() == 1 ? c.send(batch.get(0).request()).map(List::of)
        : c.batch(batch.stream().map(Pending::request).toList()))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onComplete(ar -> {
        if (ar.succeeded()) {
          List<Response> responses = ar.result();
          for (int i = 0; i < batch.size(); i++) {
            Response response = responses.get(i);
            if (response != null && response.type() == ResponseType.ERROR) {
              batch.get(i).answer().fail(response.toString());
            } else {
              batch.get(i).answer().complete(response);
            }
          }
        } else {
          onFailure.accept(current);
          for (Pending p : batch) {
            p.answer().fail(ar.cause());
          }
        }
      });
  }
}
