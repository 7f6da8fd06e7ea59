package io.multiverse9.client;

import io.multiverse9.client.impl.Mv9ClientImpl;
import io.multiverse9.protocol.AggregateEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A connection to one multiverse9 node, speaking the binary protocol (SPEC 1.1). Requests may be issued without
 * waiting for earlier answers: they are pipelined on the one connection and their futures complete in the order
 * the requests were made. A request the node answers with an error status fails with a {@link Mv9Exception}
 * naming that status.
 *
 * <pre>{@code
 * Mv9Client.connect(vertx, new ClientOptions().withAddress("127.0.0.1", 7001))
 *   .compose(client -> client.create(Buffer.buffer("Hello"))
 *     .compose(key -> client.aggregate(List.of(key)))
 *     .onSuccess(entries -> System.out.println(entries.get(0).data()))
 *     .eventually(client::close));
 * }</pre>
 */
public interface Mv9Client {

  /** Connects, and sends AUTH first when the options carry a token. */
  static Future<Mv9Client> connect(Vertx vertx, ClientOptions options) {
    return Mv9ClientImpl.connect(vertx, options);
  }

  /** Stores a value (1 byte or more); the new key. */
  Future<String> create(Buffer value);

  /** Removes keys of this node; how many existed. */
  Future<Long> remove(List<String> keys);

  /** One entry per target ({@code KEY} or {@code KEY@host:port}), in order, each with its own status. */
  Future<List<AggregateEntry>> aggregate(List<String> targets);

  /** The node's METADATA object (SPEC 1.4). */
  Future<JsonObject> metadata();

  /** Echo of up to 1 KiB. */
  Future<Buffer> ping(Buffer payload);

  /** Acknowledges this connection with the node's token; fails FORBIDDEN when it is wrong. */
  Future<Void> auth(String token);

  /** Requests sent and not yet answered. */
  int pending();

  Future<Void> close();
}
