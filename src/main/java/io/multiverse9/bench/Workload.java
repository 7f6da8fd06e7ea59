package io.multiverse9.bench;

import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.RequestEncoder;
import io.multiverse9.protocol.Segments;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * The request frames of one operation. Frames are encoded before the run where they can be (the same CREATE or
 * PING frame every time, a ring of AGGREGATE frames), so that the load generator spends its CPU on sockets, not
 * on encoding: like redis-benchmark, which also sends prepared commands.
 */
public final class Workload {

  /** A key no node ever created, for REMOVE once the created keys are used up. */
  static final String ABSENT_KEY = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  private static final int AGGREGATE_RING = 1024;

  private final String op;
  private final Buffer[] frames;
  private final Queue<String> removable;

  private Workload(String op, Buffer[] frames, Queue<String> removable) {
    this.op = op;
    this.frames = frames;
    this.removable = removable;
  }

  public String op() {
    return op;
  }

  public static Workload ping(Buffer payload) {
    Buffer limited = payload.length() > 1024 ? payload.slice(0, 1024) : payload;
    return new Workload("ping", new Buffer[] {RequestEncoder.frame(Opcode.PING, limited)}, null);
  }

  public static Workload create(Buffer value) {
    return new Workload("create", new Buffer[] {RequestEncoder.frame(Opcode.CREATE, value)}, null);
  }

  /** AGGREGATEs of {@code perRequest} consecutive targets, walking round {@code targets}. */
  public static Workload aggregate(List<String> targets, int perRequest) {
    List<String> pool = targets.isEmpty() ? List.of(ABSENT_KEY) : targets;
    Buffer[] frames = new Buffer[Math.min(AGGREGATE_RING, Math.max(1, pool.size()))];
    int cursor = 0;
    for (int f = 0; f < frames.length; f++) {
      List<String> chosen = new ArrayList<>(perRequest);
      for (int i = 0; i < perRequest; i++) {
        chosen.add(pool.get(cursor++ % pool.size()));
      }
      frames[f] = RequestEncoder.frame(Opcode.AGGREGATE, Segments.join(chosen));
    }
    return new Workload("aggregate", frames, null);
  }

  /** REMOVEs of one key each, taken from {@code keys} (thread-safe), then of a key that does not exist. */
  public static Workload remove(Queue<String> keys) {
    return new Workload("remove", null, keys);
  }

  /** The frame of request number {@code sequence} of a connection. */
  Buffer frame(int sequence) {
    if (frames == null) {
      String key = removable.poll();
      return RequestEncoder.frame(Opcode.REMOVE, Buffer.buffer(key != null ? key : ABSENT_KEY));
    }
    return frames[frames.length == 1 ? 0 : (sequence & Integer.MAX_VALUE) % frames.length];
  }
}
