package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The answer to one request, before it is encoded in the form the request came in. */
public sealed interface Reply {

  Status status();

  /** CREATE: the new key. */
  record Created(String key) implements Reply {
    public Status status() {
      return Status.OK;
    }
  }

  /** REMOVE: how many of the keys existed and were removed. */
  record Removed(long count) implements Reply {
    public Status status() {
      return Status.OK;
    }
  }

  /**
   * AGGREGATE: one entry per target, in request order.
   *
   * @param payloadLength the length of the entries as a binary payload, computed once: the node checks it against
   *     its answer limit, counts it as memory held, and sizes the answer by it
   */
  record Entries(List<AggregateEntry> entries, long payloadLength) implements Reply {
    public Entries(List<AggregateEntry> entries) {
      this(entries, ResponseEncoder.payloadLength(entries));
    }

    public Status status() {
      return Status.OK;
    }
  }

  /** METADATA: a JSON object (SPEC 1.4). */
  record Metadata(JsonObject json) implements Reply {
    public Status status() {
      return Status.OK;
    }
  }

  /** PING: the bytes that came in. */
  record Pong(Buffer echo) implements Reply {
    public Status status() {
      return Status.OK;
    }
  }

  /** AUTH: accepted, nothing to say. */
  record Authenticated() implements Reply {
    public Status status() {
      return Status.OK;
    }
  }

  /**
   * A RESP simple string or error line written as it is, for the commands Redis clients send on connecting
   * (SPEC 1.7): {@code +OK}, {@code -NOPROTO ...}.
   */
  record Line(String line) implements Reply {
    public Status status() {
      return line.startsWith("+") ? Status.OK : Status.BAD_REQUEST;
    }
  }

  /**
   * {@code HELLO 2}: the map a Redis server answers it with, as RESP2 writes a map (a flat array of names and values),
   * saying this server speaks protocol 2. Clients that ask for RESP3 and fall back to RESP2 send it after the
   * {@code -NOPROTO} their {@code HELLO 3} got, and give up on anything but this map or an unknown command.
   */
  record Hello() implements Reply {
    public Status status() {
      return Status.OK;
    }
  }

  /** QUIT: answered OK, then the connection closes once every answer before it is written. */
  record Goodbye() implements Reply {
    public Status status() {
      return Status.OK;
    }
  }

  /** Any error status with its message for humans. */
  record Error(Status status, String message) implements Reply {
  }

  static Reply error(Status status, String message) {
    return new Error(status, message);
  }
}
