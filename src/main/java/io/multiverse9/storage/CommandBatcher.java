package io.multiverse9.storage;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends the commands that one event-loop turn produced ({@link TurnBatch}) as one pipelined batch: one write to
 * Redis (one system call, one read on Redis's side) for all the requests that arrived together, instead of one
 * each. Each batch is bounded by the storage timeout; a batch that fails fails every command in it (Redis error
 * replies to our commands are whole-server conditions such as OOM or READONLY) and drops the connection.
 *
 * <p>Used from the storage verticle's context only.
 */
final class CommandBatcher {

  private record Pending(Request request, Promise<Response> answer) {
  }

  private final RedisConnectionHolder connection;
  private final long timeoutMs;
  private final TurnBatch<Pending> turn;

  CommandBatcher(Context context, RedisConnectionHolder connection, long timeoutMs) {
    this.connection = connection;
    this.timeoutMs = timeoutMs;
    this.turn = new TurnBatch<>(context, this::flush);
  }

  Future<Response> send(Request request) {
    Promise<Response> answer = Promise.promise();
    turn.add(new Pending(request, answer));
    return answer.future();
  }

  private void flush(List<Pending> batch) {
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
          connection.drop(current);
          for (Pending p : batch) {
            p.answer().fail(ar.cause());
          }
        }
      });
  }
}
