package io.multiverse9.service;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.config.WarningThrottle;
import io.multiverse9.metrics.NodeMetrics;
import io.multiverse9.metrics.ProcessMemory;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.Form;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.Keys;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.Request;
import io.multiverse9.protocol.Segments;
import io.multiverse9.protocol.Status;
import io.multiverse9.peer.PeerClient;
import io.multiverse9.storage.StorageClient;
import io.multiverse9.storage.StorageException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Turns one decoded request into its reply: validation, permissions (SPEC 3), then storage. Never fails its
 * future: every outcome, storage failures included, is a {@link Reply} with a status and a message.
 */
public final class RequestHandler {

  public static final int MAX_PING_BYTES = 1024;
  public static final String PING_TOO_LONG = "PING carries at most " + MAX_PING_BYTES + " bytes";
  private static final int MAX_TARGET_BYTES = 0xFFFF; // target_len is a u16 (SPEC 1.3)

  private final SettingsHolder settings;
  private final Address listening;
  private final StorageClient storage;
  private final PeerClient peers;
  private final long startedAtMs;
  private static final Logger LOG = Logger.getLogger(RequestHandler.class.getName());
  /** Wrong tokens one connection may send before it is closed. */
  static final int MAX_WRONG_TOKENS = 5;
  private static final String TOO_MANY_WRONG_TOKENS = "too many wrong tokens on this connection, which is closed; "
    + "connect again with the node's auth.token";
  /** One per node verticle, so confined to its event loop. */
  private final WarningThrottle wrongTokenWarnings = new WarningThrottle(5, 10, TimeUnit.SECONDS);

  /** {@code listening} is this listener's address: a key addressed to it is local, even while a new addr moves in. */
  public RequestHandler(SettingsHolder settings, Address listening, StorageClient storage, PeerClient peers,
      long startedAtMs) {
    this.settings = settings;
    this.listening = listening;
    this.storage = storage;
    this.peers = peers;
    this.startedAtMs = startedAtMs;
  }

  public Future<Reply> handle(Request request, Session session) {
    return handle(request, session, Allowance.NONE);
  }

  /**
   * @param allowance what the values of an AGGREGATE may add up to (SPEC 1.6): one that would need more succeeds
   *     with {@code null}, having read no more than that, to be handled again once its connection may hold it
   */
  public Future<Reply> handle(Request request, Session session, Allowance allowance) {
    long start = System.nanoTime();
    return answer(request, session, allowance).andThen(ar -> {
      if (ar.failed() || ar.result() != null) {
        NodeMetrics.request(request.opcode(), ar.succeeded() ? ar.result().status() : Status.INTERNAL,
          System.nanoTime() - start);
      }
    });
  }

  private Future<Reply> answer(Request request, Session session, Allowance allowance) {
    if (request.known() != null) {
      return Future.succeededFuture(request.known());
    }
    Settings now = settings.get();
    Opcode opcode = request.opcode();
    if (opcode == null) {
      return done(Status.UNKNOWN_OPCODE, unknown(request.form(), request.command()));
    }
    String denied = Access.deny(now, session, opcode);
    if (denied != null) {
      return done(Status.FORBIDDEN, denied);
    }
    Future<Reply> reply = switch (opcode) {
      case CREATE -> create(request.payload());
      case REMOVE -> remove(now, request.payload());
      case AGGREGATE -> aggregate(now, request.payload(), allowance);
      case METADATA -> Future.succeededFuture(new Reply.Metadata(metadata(now)));
      case PING -> ping(request.payload());
      case AUTH -> auth(now, session, request.payload());
    };
    return reply.recover(e -> Future.succeededFuture(failure(e)));
  }

  /** The message for a request naming no v1 opcode or command. */
  public static String unknown(Form form, String command) {
    return "unknown " + (form == Form.BINARY ? "opcode " : "command ") + command
      + "; this node speaks CREATE, REMOVE, AGGREGATE, METADATA, PING and AUTH";
  }

  private Future<Reply> create(Buffer value) {
    if (value.length() == 0) {
      return done(Status.BAD_REQUEST, "CREATE needs a value of at least one byte");
    }
    return storage.create(value).map(Reply.Created::new);
  }

  private Future<Reply> remove(Settings now, Buffer payload) {
    Segments items = Segments.split(payload, now.limits().maxTargets());
    if (items == null) {
      return done(Status.BAD_REQUEST, "REMOVE takes at most " + now.limits().maxTargets()
        + " keys (limits.max_targets)");
    }
    if (items.isEmpty()) {
      return done(Status.BAD_REQUEST, "REMOVE needs at least one key");
    }
    // each key is normalised where the payload's copy holds it, and goes to Redis from there (KeyBytes)
    int[] keyAt = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      keyAt[i] = items.keyAt(i);
      if (keyAt[i] < 0) {
        String text = items.text(i);
        if (items.contains(i, (byte) '@')) {
          return done(Status.BAD_REQUEST, "remote removal is not supported: " + Keys.quote(text)
            + "; send REMOVE to the node that holds the key");
        }
        return done(Status.BAD_REQUEST, "not a ULID key: " + Keys.quote(text) + "; nothing was removed");
      }
    }
    KeyBytes keys = KeyBytes.at(items.array(), keyAt, keyAt.length);
    return storage.remove(keys).map(Reply.Removed::new);
  }

  private Future<Reply> aggregate(Settings now, Buffer payload, Allowance allowance) {
    Segments items = Segments.split(payload, now.limits().maxTargets());
    if (items == null) {
      return done(Status.BAD_REQUEST, "AGGREGATE takes at most " + now.limits().maxTargets()
        + " targets (limits.max_targets)");
    }
    if (items.isEmpty()) {
      return done(Status.BAD_REQUEST, "AGGREGATE needs at least one target");
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.length(i) > MAX_TARGET_BYTES) {
        return done(Status.BAD_REQUEST, "target " + (i + 1) + " is longer than " + MAX_TARGET_BYTES + " bytes");
      }
    }
    return Aggregation.run(now, listening, items, storage, peers, allowance);
  }

  private Future<Reply> ping(Buffer payload) {
    if (payload.length() > MAX_PING_BYTES) {
      return done(Status.BAD_REQUEST, PING_TOO_LONG);
    }
    return Future.succeededFuture(new Reply.Pong(payload));
  }

  // A node reachable from a network must not let one connection try tokens as fast as it can send them (52,343 a
  // second were answered before): after a few wrong ones the connection may try no more and is closed, and the
  // operator is told which address guesses, at a bounded rate.
  private Future<Reply> auth(Settings now, Session session, Buffer payload) {
    if (now.authToken() == null) {
      return done(Status.FORBIDDEN, "this node has no auth.token, so AUTH cannot succeed");
    }
    if (session.guessedTooOften()) {
      return done(Status.FORBIDDEN, TOO_MANY_WRONG_TOKENS);
    }
    boolean ok = Access.tokenMatches(now.authTokenDigest(), payload.toString(StandardCharsets.UTF_8));
    session.authenticatedWith(ok ? now.authTokenDigest() : null);
    if (ok) {
      return Future.succeededFuture(new Reply.Authenticated());
    }
    if (session.wrongToken() < MAX_WRONG_TOKENS) {
      return done(Status.FORBIDDEN, "wrong token");
    }
    String warning = wrongTokenWarnings.admit("auth: " + MAX_WRONG_TOKENS + " wrong tokens on one connection from "
      + session.remoteIp() + "; it was closed");
    if (warning != null) {
      LOG.warning(warning);
    }
    return done(Status.FORBIDDEN, "wrong token; " + TOO_MANY_WRONG_TOKENS);
  }

  private JsonObject metadata(Settings now) {
    JsonArray nodes = new JsonArray();
    for (PeerEntry node : now.nodes()) {
      nodes.add(node.addr().toString());
    }
    return new JsonObject()
      .put("name", now.name())
      .put("version", now.version())
      .put("protocol", 1)
      .put("addr", now.advertisedAddr().toString())
      .put("open_metadata", now.perms().openMetadata())
      .put("open_interactions", now.perms().openInteractions())
      .put("nodes", nodes)
      .put("uptime_ms", System.currentTimeMillis() - startedAtMs)
      .put("memory", ProcessMemory.snapshot());
  }

  private static Reply failure(Throwable e) {
    if (e instanceof StorageException se) {
      return Reply.error(se.status(), se.getMessage());
    }
    return Reply.error(Status.INTERNAL, "the node failed to answer: " + e);
  }

  private static Future<Reply> done(Status status, String message) {
    return Future.succeededFuture(Reply.error(status, message));
  }
}
