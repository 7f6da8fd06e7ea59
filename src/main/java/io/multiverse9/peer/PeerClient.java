package io.multiverse9.peer;

import io.multiverse9.bus.LoopAffinity;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.KeyBytes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;

/** The node's view of its peer verticles: one AGGREGATE to one peer, over the event bus. */
public final class PeerClient {

  private final Vertx vertx;
  private final String address;

  public PeerClient(Vertx vertx, String address) {
    PeerMessages.registerCodecs(vertx);
    this.vertx = vertx;
    this.address = address;
  }

  /**
   * Asks the peer at {@code peer} for bare keys: one entry per key, in order. Fails with a {@link PeerException}
   * whose status every entry of that peer takes; never takes much longer than {@code timeoutMs}.
   */
  public Future<List<AggregateEntry>> aggregate(Address peer, KeyBytes keys, long timeoutMs) {
    return aggregate(peer, keys, timeoutMs, -1);
  }

  /**
   * As {@link #aggregate(Address, KeyBytes, long)}, holding no answer longer than {@code maxBytes} (negative: no bound
   * but {@code max_answer_bytes}): a longer one fails with an {@link OverAllowanceException} saying its length.
   */
  public Future<List<AggregateEntry>> aggregate(Address peer, KeyBytes keys, long timeoutMs, long maxBytes) {
    // the peer verticle bounds the request by timeoutMs; this catches a peer verticle that vanished
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeoutMs + 1000);
    // to the peer verticle on this event loop when there is one: no other thread to wake, twice per AGGREGATE
    return vertx.eventBus().<PeerMessages.Answer>request(LoopAffinity.choose(vertx, address),
        new PeerMessages.Aggregate(peer, keys, maxBytes), delivery)
      .map(Message::body)
      .recover(e -> Future.failedFuture(translate(peer, e)))
      .compose(answer -> answer.needed() > 0 ? Future.failedFuture(new OverAllowanceException(answer.needed()))
        : Future.succeededFuture(answer.entries()));
  }

  private static PeerException translate(Address peer, Throwable e) {
    if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      EntryStatus status = EntryStatus.valueOf(re.failureCode());
      return new PeerException(status == null ? EntryStatus.UNAVAILABLE : status, re.getMessage());
    }
    return new PeerException(EntryStatus.UNAVAILABLE, peer + " did not answer: " + e.getMessage());
  }
}
