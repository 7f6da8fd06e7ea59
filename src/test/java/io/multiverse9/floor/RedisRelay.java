package io.multiverse9.floor;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The floor under the node's shape, for bench/floor.sh: the least a Vert.x process that talks to Redis through
 * vertx-redis-client can do to answer a Redis client, as twemproxy does in C. It reads RESP commands from its
 * clients, sends each as it is on its one Redis connection and writes the answer back: no framing of ours, no
 * validation, no grouping, no event bus, no limits. What the node spends per request beyond this relay is its own
 * work; what this relay spends beyond twemproxy is Vert.x's and the Redis client's, which the node cannot go below.
 *
 * <p>Not part of the product (test sources only), and not safe to face a network: it trusts its input.
 *
 * <p>Usage: {@code RedisRelay PORT REDIS_URI} (e.g. {@code 7197 redis://127.0.0.1:6391}); prints
 * "relay listening on PORT" once it answers.
 */
public final class RedisRelay {

  private final RedisConnection redis;

  private RedisRelay(RedisConnection redis) {
    this.redis = redis;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    // one event loop, native transport: as the node runs with one node verticle (bench/floor.sh)
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    start(vertx, port, args[1])
      .onSuccess(server -> System.out.println("relay listening on " + server.actualPort()))
      .onFailure(e -> {
        System.err.println("relay did not start: " + e.getMessage());
        vertx.close().onComplete(done -> System.exit(1));
      });
  }

  /** Listens on {@code port} of 127.0.0.1 (0: any free one) in front of the Redis at {@code redisUri}. */
  public static Future<NetServer> start(Vertx vertx, int port, String redisUri) {
    RedisOptions options = new RedisOptions().setConnectionString(redisUri).setMaxWaitingHandlers(1 << 20);
    return Redis.createClient(vertx, options).connect().compose(connection -> {
      RedisRelay relay = new RedisRelay(connection);
      return vertx.createNetServer().connectHandler(relay::serve).listen(port, "127.0.0.1");
    });
  }

  private void serve(NetSocket socket) {
    CommandReader reader = new CommandReader();
    socket.handler(chunk -> reader.feed(chunk, command -> relay(socket, command)));
  }

  /** Answers reach the socket in the order of the commands: one connection to Redis answers in order. */
  private void relay(NetSocket socket, byte[][] command) {
    Request request = Request.cmd(Command.create(new String(command[0], StandardCharsets.US_ASCII)));
    for (int i = 1; i < command.length; i++) {
      request.arg(command[i]);
    }
    redis.send(request).onComplete(answer -> {
      Buffer out = Buffer.buffer(answer.succeeded() ? 64 + 80 * sizeOf(answer.result()) : 64);
      if (answer.succeeded()) {
        RespWriter.write(answer.result(), out);
      } else {
        RespWriter.error(answer.cause(), out);
      }
      socket.write(out);
    });
  }

  private static int sizeOf(Response response) {
    return response != null && response.type() == ResponseType.MULTI ? response.size() : 0;
  }

  /** Splits RESP arrays of bulk strings (what every Redis client sends) out of a stream of chunks. */
  static final class CommandReader {

    private byte[] pending = new byte[0];

    interface Sink {
      void accept(byte[][] command);
    }

    void feed(Buffer chunk, Sink sink) {
      byte[] bytes = pending.length == 0 ? chunk.getBytes() : concat(pending, chunk.getBytes());
      int at = 0;
      while (true) {
        int end = next(bytes, at, sink);
        if (end < 0) {
          break;
        }
        at = end;
      }
      pending = at == bytes.length ? new byte[0] : Arrays.copyOfRange(bytes, at, bytes.length);
    }

    /** Hands one whole command from {@code at} to {@code sink} and returns where it ends, or -1 if incomplete. */
    private static int next(byte[] bytes, int at, Sink sink) {
      if (at >= bytes.length) {
        return -1;
      }
      if (bytes[at] != '*') {
        throw new IllegalArgumentException("not a RESP array at byte " + at);
      }
      long[] count = number(bytes, at + 1);
      if (count == null) {
        return -1;
      }
      byte[][] command = new byte[(int) count[0]][];
      int pos = (int) count[1];
      for (int i = 0; i < command.length; i++) {
        if (pos >= bytes.length) {
          return -1;
        }
        long[] length = number(bytes, pos + 1);
        if (length == null) {
          return -1;
        }
        int from = (int) length[1];
        int to = from + (int) length[0];
        if (to + 2 > bytes.length) {
          return -1;
        }
        command[i] = Arrays.copyOfRange(bytes, from, to);
        pos = to + 2;
      }
      sink.accept(command);
      return pos;
    }

    /** The decimal number at {@code at} up to CRLF and where the bytes after the CRLF start, or null if cut. */
    private static long[] number(byte[] bytes, int at) {
      long value = 0;
      for (int i = at; i + 1 < bytes.length; i++) {
        if (bytes[i] == '\r') {
          return new long[] {value, i + 2};
        }
        value = value * 10 + (bytes[i] - '0');
      }
      return null;
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] both = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, both, a.length, b.length);
      return both;
    }
  }

  /** Writes a vertx-redis-client {@link Response} back as RESP2. */
  static final class RespWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private RespWriter() {
    }

    static void write(Response response, Buffer out) {
      if (response == null) {
        out.appendString("$-1\r\n");
        return;
      }
      switch (response.type()) {
        case SIMPLE -> out.appendString("+" + response + "\r\n");
        case NUMBER -> out.appendString(":" + response + "\r\n");
        case BULK -> {
          Buffer value = response.toBuffer();
          out.appendString("$" + value.length() + "\r\n").appendBuffer(value).appendBytes(CRLF);
        }
        case MULTI -> {
          out.appendString("*" + response.size() + "\r\n");
          for (Response item : response) {
            write(item, out);
          }
        }
        default -> out.appendString("-" + response + "\r\n");
      }
    }

    static void error(Throwable cause, Buffer out) {
      String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      out.appendString((cause instanceof Response ? "-" : "-ERR relay: ") + message.replace("\r\n", " ") + "\r\n");
    }
  }
}
