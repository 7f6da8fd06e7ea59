package io.multiverse9.client.impl;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.client.Mv9Exception;
import io.multiverse9.net.PemTls;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryDecoder;
import io.multiverse9.protocol.MalformedAnswerException;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.multiverse9.protocol.Segments;
import io.multiverse9.protocol.Status;
import io.multiverse9.wire.FrameChannel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@link Mv9Client} over one {@link FrameChannel}. */
public final class Mv9ClientImpl implements Mv9Client {

  private final Vertx vertx;
  private final FrameChannel channel;
  private final NetClient netClient;
  private final String node;
  private final long timeoutMs;
  private final Context context;

  private Mv9ClientImpl(Vertx vertx, FrameChannel channel, NetClient netClient, String node, long timeoutMs,
                        Context context) {
    this.vertx = vertx;
    this.channel = channel;
    this.netClient = netClient;
    this.node = node;
    this.timeoutMs = timeoutMs;
    this.context = context;
  }

  public static Future<Mv9Client> connect(Vertx vertx, ClientOptions options) {
    NetClientOptions netOptions = new NetClientOptions()
      .setConnectTimeout(options.connectTimeoutMs())
      .setTcpNoDelay(true);
    if (options.tls() != null) {
      ClientOptions.Tls tls = options.tls();
      PemTls.client(netOptions, tls.certPath(), tls.keyPath(), tls.caPath());
    }
    NetClient netClient = vertx.createNetClient(netOptions);
    return netClient.connect(options.port(), options.host())
      .recover(e -> {
        netClient.close();
        return Future.failedFuture(new Mv9Exception(Status.UNAVAILABLE,
          "cannot connect to " + options.host() + ":" + options.port() + ": " + e.getMessage()));
      })
      .compose(socket -> {
        FrameChannel channel = new FrameChannel(vertx, socket, options.host() + ":" + options.port(),
          options.maxPending(), options.maxAnswerBytes(), why -> new Mv9Exception(Status.UNAVAILABLE, why));
        // the socket's handlers run on this context; every call is made on it too (see call)
        Mv9ClientImpl client = new Mv9ClientImpl(vertx, channel, netClient, options.host() + ":" + options.port(),
          options.requestTimeoutMs(), vertx.getOrCreateContext());
        if (options.token() == null) {
          return Future.succeededFuture(client);
        }
        return client.auth(options.token()).map(v -> (Mv9Client) client)
          .onFailure(e -> client.close());
      });
  }

  @Override
  public Future<String> create(Buffer value) {
    return call(Opcode.CREATE, value).map(payload -> payload.toString(StandardCharsets.US_ASCII));
  }

  @Override
  public Future<Long> remove(List<String> keys) {
    return call(Opcode.REMOVE, Segments.join(keys)).map(payload -> payload.getUnsignedInt(0));
  }

  @Override
  public Future<List<AggregateEntry>> aggregate(List<String> targets) {
    return call(Opcode.AGGREGATE, Segments.join(targets)).map(Mv9ClientImpl::entries);
  }

  @Override
  public Future<JsonObject> metadata() {
    return call(Opcode.METADATA, Buffer.buffer(0)).map(JsonObject::new);
  }

  @Override
  public Future<Buffer> ping(Buffer payload) {
    return call(Opcode.PING, payload);
  }

  @Override
  public Future<Void> auth(String token) {
    return call(Opcode.AUTH, Buffer.buffer(token, "UTF-8")).mapEmpty();
  }

  @Override
  public int pending() {
    return channel.load();
  }

  @Override
  public Future<Void> close() {
    return channel.close("closed by the client").eventually(netClient::close);
  }

  /** Safe from any thread: calls from elsewhere hop to the connection's context, in the order they were made. */
  private Future<Buffer> call(Opcode opcode, Buffer payload) {
    if (Vertx.currentContext() == context) {
      return send(opcode, payload);
    }
    Promise<Buffer> promise = Promise.promise();
    context.runOnContext(v -> send(opcode, payload).onComplete(promise));
    return promise.future();
  }

  private Future<Buffer> send(Opcode opcode, Buffer payload) {
    return bounded(channel.send(RequestEncoder.frame(opcode, payload), 0)).compose(response -> {
      if (response.status() == Status.OK.code()) {
        return Future.succeededFuture(response.payload());
      }
      Status status = Status.valueOf(response.status());
      return Future.failedFuture(new Mv9Exception(status == null ? Status.INTERNAL : status,
        response.payload().toString(StandardCharsets.UTF_8)));
    });
  }

  /**
   * The request timeout is this client's, not the channel's: the channel names the node's setting for peers
   * ({@code limits.peer_timeout_ms}), and a user of this library set {@code requestTimeoutMs}. As there, an
   * answer that did not come closes the connection: the answers after it could no longer be matched.
   */
  private Future<FrameChannel.Response> bounded(Future<FrameChannel.Response> answer) {
    if (timeoutMs <= 0 || answer.isComplete()) {
      return answer;
    }
    long timer = vertx.setTimer(timeoutMs, id -> channel.close(node + " did not answer within " + timeoutMs
      + " ms (the client's request timeout, ClientOptions.requestTimeoutMs)"));
    return answer.andThen(ar -> vertx.cancelTimer(timer));
  }

  private static List<AggregateEntry> entries(Buffer payload) {
    try {
      return EntryDecoder.decode(payload);
    } catch (MalformedAnswerException e) {
      throw new Mv9Exception(Status.INTERNAL, e.getMessage());
    }
  }
}
