package io.multiverse9.storage;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finds the largest value under a key prefix whose size classes were never recorded ({@link ValueSizes}): values
 * stored by a node from before they were, or none at all. {@code SCAN} walks the keyspace a thousand keys a step,
 * {@code STRLEN} takes the length of those under the prefix, and the class found is recorded, so that this runs
 * once per prefix. Until it is done the bound is unknown and reads are bounded key by key.
 */
final class SizeScan {

  private static final int KEYS_PER_STEP = 1000;

  private final Function<Request, Future<Response>> redis;
  private final String pattern;
  private final byte[] sizesKey;
  private int largest = ValueSizes.NONE;

  SizeScan(Function<Request, Future<Response>> redis, String keyPrefix, byte[] sizesKey) {
    this.redis = redis;
    this.pattern = keyPrefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
    this.sizesKey = sizesKey;
  }

  /** The largest class found, once it is recorded. */
  Future<Integer> run() {
    return step("0").compose(v -> redis.apply(Request.cmd(Command.SADD).arg(sizesKey).arg(largest)))
      .map(v -> largest);
  }

  private Future<Void> step(String cursor) {
    return redis.apply(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT")
        .arg(KEYS_PER_STEP))
      .compose(page -> {
        String next = page.get(0).toString();
        List<Future<Response>> lengths = new ArrayList<>();
        for (Response key : page.get(1)) {
          // a key of another type (not ours) answers an error: it is no value of ours
          lengths.add(redis.apply(Request.cmd(Command.STRLEN).arg(key.toBuffer())).otherwiseEmpty());
        }
        return Future.join(lengths).transform(ar -> {
          for (Future<Response> length : lengths) {
            if (length.result() != null && length.result().toLong() > 0) {
              largest = Math.max(largest, ValueSizes.classOf(length.result().toLong()));
            }
          }
          return "0".equals(next) ? Future.succeededFuture() : step(next);
        });
      });
  }
}
