package io.multiverse9.bench;

import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.multiverse9.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.function.Consumer;

/**
 * One connection of the load generator: keeps up to {@code pipeline} requests in flight and times each answer.
 * Answers come in request order (SPEC 1), so a ring of send times is all the bookkeeping a request needs; the
 * answer frames are scanned in place, without a copy unless one straddles two reads. Runs on its socket's event
 * loop only.
 */
final class LoadConnection {

  /** Answers bigger than this are a broken node, not a benchmark. */
  private static final long MAX_ANSWER_BYTES = 256L * 1024 * 1024;

  private final NetSocket socket;
  private final long[] sentAt;
  private Buffer partial;
  private int head;
  private int inFlight;
  private int sequence;
  private boolean closed;
  private Phase phase;

  /** What the connection is doing: authenticating, or running one operation. */
  private abstract static class Phase {
    abstract void answered(int status, Buffer frame, int payloadStart, int payloadLength, long latencyNanos);

    abstract void lost(int requests, String why);
  }

  LoadConnection(NetSocket socket, int pipeline) {
    this.socket = socket;
    this.sentAt = new long[pipeline];
    socket.handler(this::onData);
    socket.closeHandler(v -> onClosed("the node closed the connection"));
    socket.exceptionHandler(e -> onClosed(e.getMessage()));
  }

  /** Sends AUTH and completes once the node accepted the token. */
  Future<Void> authenticate(String token) {
    Promise<Void> accepted = Promise.promise();
    phase = new Phase() {
      @Override
      void answered(int status, Buffer frame, int start, int length, long latencyNanos) {
        if (status == Status.OK.code()) {
          accepted.tryComplete();
        } else {
          accepted.tryFail("AUTH refused: " + frame.getString(start, start + length, "UTF-8"));
        }
      }

      @Override
      void lost(int requests, String why) {
        accepted.tryFail(why);
      }
    };
    send(RequestEncoder.frame(Opcode.AUTH, Buffer.buffer(token, "UTF-8")));
    return accepted.future();
  }

  /**
   * Runs {@code workload} until the shared {@link Tally} grants no more requests.
   *
   * @param keys receives the key of each created value, or {@code null}
   * @return completes when the last answer is in (or the connection is lost)
   */
  Future<Void> run(Workload workload, Tally tally, Consumer<String> keys) {
    Promise<Void> finished = Promise.promise();
    phase = new Phase() {
      @Override
      void answered(int status, Buffer frame, int start, int length, long latencyNanos) {
        tally.answered(latencyNanos);
        if (status != Status.OK.code()) {
          tally.failed(describe(status, frame.getString(start, start + length, "UTF-8")));
        } else if (keys != null) {
          keys.accept(frame.getString(start, start + length, "US-ASCII"));
        }
        if (!closed && tally.grant()) {
          send(workload.frame(sequence++));
        } else if (inFlight == 0) {
          finished.tryComplete();
        }
      }

      @Override
      void lost(int requests, String why) {
        for (int i = 0; i < requests; i++) {
          tally.answered(0);
          tally.failed(why);
        }
        finished.tryComplete();
      }
    };
    if (closed) {
      finished.tryComplete();
      return finished.future();
    }
    sequence = (int) (Math.random() * 1024);
    for (int i = 0; i < sentAt.length && tally.grant(); i++) {
      send(workload.frame(sequence++));
    }
    if (inFlight == 0) {
      finished.tryComplete();
    }
    return finished.future();
  }

  Future<Void> close() {
    return socket.close();
  }

  private void send(Buffer frame) {
    sentAt[(head + inFlight) % sentAt.length] = System.nanoTime();
    inFlight++;
    socket.write(frame);
  }

  private void onData(Buffer data) {
    Buffer buffer = data;
    if (partial != null) {
      buffer = partial.appendBuffer(data);
      partial = null;
    }
    int pos = 0;
    int length = buffer.length();
    while (length - pos >= 6) {
      int status = buffer.getUnsignedShort(pos);
      long payload = buffer.getUnsignedInt(pos + 2);
      if (payload > MAX_ANSWER_BYTES || inFlight == 0) {
        onClosed(inFlight == 0 ? "the node sent an answer to no request"
          : "the node announced an answer of " + payload + " bytes");
        socket.close();
        return;
      }
      if (length - pos - 6 < payload) {
        break;
      }
      long latency = System.nanoTime() - sentAt[head];
      head = (head + 1) % sentAt.length;
      inFlight--;
      phase.answered(status, buffer, pos + 6, (int) payload, latency);
      pos += 6 + (int) payload;
    }
    if (pos < length) {
      partial = buffer.getBuffer(pos, length);
    }
  }

  private void onClosed(String why) {
    if (closed) {
      return;
    }
    closed = true;
    int lost = inFlight;
    inFlight = 0;
    if (phase != null) {
      phase.lost(lost, why == null ? "connection lost" : why);
    }
  }

  private static String describe(int status, String message) {
    Status known = Status.valueOf(status);
    return (known != null ? known.name() : "status " + status) + ": " + message;
  }
}
