package io.multiverse9.storage;

import io.multiverse9.config.Durability;
import io.vertx.core.AsyncResult;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The {@code WAIT} that confirms a batch's writes reached {@code durability.replicas} replicas (SPEC 2.1), and
 * what its reply means for each write. {@code WAIT} counts the replicas that hold every write sent before it on
 * the same connection, so {@link CommandBatcher} sends one after a batch's commands, on their connection: one
 * round trip to the replicas for all the writes of a turn, not one per write.
 */
final class ReplicaWait {

  private final int replicas;
  private final int timeoutMs;

  ReplicaWait(Durability durability) {
    this.replicas = durability.replicas();
    this.timeoutMs = durability.timeoutMs();
  }

  /** A new request each time: a sent request must not be shared. */
  Request request() {
    return Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMs);
  }

  /**
   * What confirms {@code reply}, a write's own reply: {@code null} when the WAIT sent after it counted enough
   * replicas, else why it is not confirmed.
   */
  Unconfirmed judge(Response reply, AsyncResult<Response> wait) {
    if (wait.failed()) {
      return new Unconfirmed(reply, "its replication could not be confirmed (" + wait.cause().getMessage() + ")");
    }
    int confirmed = wait.result().toInteger();
    if (confirmed >= replicas) {
      return null;
    }
    return new Unconfirmed(reply, confirmed + " of the " + replicas + " replicas it needs confirmed it within "
      + timeoutMs + " ms (durability.replicas, durability.timeout_ms)");
  }

  /**
   * A write that Redis carried out and fewer than {@code durability.replicas} replicas confirmed: it may not
   * survive a failover of the master. Carries the write's own reply ({@code null} for a SET NX that found the key
   * taken, which wrote nothing).
   */
  static final class Unconfirmed extends RuntimeException {

    private final transient Response reply;

    Unconfirmed(Response reply, String message) {
      super(message, null, false, false);
      this.reply = reply;
    }

    Response reply() {
      return reply;
    }
  }
}
