package io.multiverse9.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One connection of the load generator: keeps up to {@code pipeline} requests in flight and times each answer.
 * Answers come in request order (SPEC 1; Redis too), so a ring of send times is all the bookkeeping a request
 * needs; the answers are scanned in place, without a copy unless one straddles two reads. Runs on its socket's
 * event loop only.
 *
 * <p>Unpaced, a connection sends the next request as soon as an answer frees a place (a closed loop, as
 * redis-benchmark). Paced, requests fall due on a {@link Schedule} and each is timed from when it was due, not
 * from when it could be sent: a server that stalls is charged for every request that waited behind the stall
 * (no "coordinated omission").
 */
final class LoadConnection {

  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Vertx vertx;
  private final NetSocket socket;
  private final AnswerFraming framing;
  private final long[] sentAt;
  private Buffer partial;
  private int head;
  private int inFlight;
  private boolean closed;
  private Phase phase;

  /** What the connection is doing: asking one request before a run (AUTH, PING), or running one operation. */
  private abstract static class Phase {
    abstract void answered(Buffer buffer, int from, int end, long latencyNanos);

    abstract void lost(int requests, String why);
  }

  /** When the requests of a paced connection fall due: number {@code n} at {@code firstNanos + n * interval}. */
  record Schedule(long firstNanos, double intervalNanos) {
    long due(long n) {
      return firstNanos + (long) (n * intervalNanos);
    }
  }

  LoadConnection(Vertx vertx, NetSocket socket, AnswerFraming framing, int pipeline) {
    this.vertx = vertx;
    this.socket = socket;
    this.framing = framing;
    this.sentAt = new long[pipeline];
    socket.handler(this::onData);
    socket.closeHandler(v -> onClosed("the server closed the connection"));
    socket.exceptionHandler(e -> onClosed(e.getMessage()));
  }

  /** Sends one request (AUTH, PING) outside any run and completes once the server answered it with success. */
  Future<Void> ask(Buffer request) {
    Promise<Void> accepted = Promise.promise();
    phase = new Phase() {
      @Override
      void answered(Buffer buffer, int from, int end, long latencyNanos) {
        String failure = framing.failure(buffer, from, end);
        if (failure == null) {
          accepted.tryComplete();
        } else {
          accepted.tryFail(failure);
        }
      }

      @Override
      void lost(int requests, String why) {
        accepted.tryFail(why);
      }
    };
    send(request, System.nanoTime());
    return accepted.future();
  }

  /**
   * Runs {@code workload} until the shared {@link Tally} grants no more requests.
   *
   * @param schedule when requests fall due, or {@code null} to send each as soon as there is room
   * @param keys receives the key of each created value, or {@code null}
   * @return completes when the last answer is in (or the connection is lost)
   */
  Future<Void> run(Workload workload, Tally tally, Schedule schedule, Consumer<String> keys) {
    Run run = new Run(workload, tally, schedule, keys);
    phase = run;
    run.sendMore();
    return run.finished.future();
  }

  private final class Run extends Phase {
    final Workload workload;
    final Tally tally;
    final Schedule schedule;
    final Consumer<String> keys;
    final Promise<Void> finished = Promise.promise();
    int sequence = (int) (Math.random() * 1024);
    long sent;
    boolean granted = true;
    boolean timerSet;

    Run(Workload workload, Tally tally, Schedule schedule, Consumer<String> keys) {
      this.workload = workload;
      this.tally = tally;
      this.schedule = schedule;
      this.keys = keys;
    }

    @Override
    void answered(Buffer buffer, int from, int end, long latencyNanos) {
      tally.answered(latencyNanos);
      String failure = framing.failure(buffer, from, end);
      if (failure != null) {
        tally.failed(failure);
      } else if (keys != null) {
        keys.accept(framing.payload(buffer, from, end));
      }
      sendMore();
    }

    @Override
    void lost(int requests, String why) {
      for (int i = 0; i < requests; i++) {
        tally.answered(0);
        tally.failed(why);
      }
      finished.tryComplete();
    }

    /** Sends what is due (unpaced: all there is room for), then waits for an answer or for the next due time. */
    void sendMore() {
      while (!closed && granted && inFlight < sentAt.length) {
        long due = System.nanoTime();
        if (schedule != null) {
          long now = due;
          due = schedule.due(sent);
          if (due > now) {
            // at a low rate the next request may be due long after the run ends: look again now and then
            granted = !tally.exhausted();
            if (granted) {
              wakeUpIn(Math.min(due - now, MAX_WAIT_NANOS));
            }
            break;
          }
        }
        granted = tally.grant();
        if (granted) {
          send(workload.frame(sequence++), due);
          sent++;
        }
      }
      if (inFlight == 0 && (closed || !granted)) {
        finished.tryComplete();
      }
    }

    private void wakeUpIn(long nanos) {
      if (!timerSet) {
        timerSet = true;
        vertx.timer(nanos, TimeUnit.NANOSECONDS).onComplete(t -> {
          timerSet = false;
          sendMore();
        });
      }
    }
  }

  Future<Void> close() {
    return socket.close();
  }

  private void send(Buffer frame, long timedFrom) {
    sentAt[(head + inFlight) % sentAt.length] = timedFrom;
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
    while (pos < length) {
      int end;
      try {
        end = framing.end(buffer, pos, length);
      } catch (IllegalStateException e) {
        fail(e.getMessage());
        return;
      }
      if (end < 0) {
        break;
      }
      if (inFlight == 0) {
        fail("the server sent an answer to no request");
        return;
      }
      long latency = System.nanoTime() - sentAt[head];
      head = (head + 1) % sentAt.length;
      inFlight--;
      phase.answered(buffer, pos, end, latency);
      pos = end;
    }
    if (pos < length) {
      if (length - pos > AnswerFraming.MAX_ANSWER_BYTES) {
        fail("the server sent more than " + AnswerFraming.MAX_ANSWER_BYTES + " bytes without ending an answer");
        return;
      }
      partial = buffer.getBuffer(pos, length);
    }
  }

  private void fail(String why) {
    onClosed(why);
    socket.close();
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
}
