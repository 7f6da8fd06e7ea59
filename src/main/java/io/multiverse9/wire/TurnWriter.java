package io.multiverse9.wire;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the frames sent in one turn of the socket's event loop as one write, once the tasks already queued on
 * that loop have run (as {@code node.Connection} does for answers): each write to the socket is a system call,
 * and the requests of one turn (a node's AGGREGATEs of a pipelined read, the calls a client makes at once) would
 * otherwise cost one each. Confined to the socket's context.
 */
final class TurnWriter {

  /**
   * A frame larger than this is written alone: copying it into the joint write costs more than the system call
   * saved, and a large frame is rare.
   */
  static final int JOIN_LIMIT = 64 * 1024;
  /** The joint write is sized up front at most this much, so that a turn of many frames does not presize a giant. */
  private static final int MAX_PRESIZED = 1024 * 1024;

  private final Context context;
  private final NetSocket socket;
  private final List<Buffer> frames = new ArrayList<>();
  private long joinedBytes;
  private int writes;
  /** Bytes handed to {@link #write} that the socket has not taken yet: queued here, or written and not flushed. */
  private long unsent;

  TurnWriter(Context context, NetSocket socket) {
    this.context = context;
    this.socket = socket;
  }

  void write(Buffer frame) {
    if (frames.isEmpty()) {
      context.runOnContext(v -> flush());
    }
    frames.add(frame);
    unsent += frame.length();
    if (frame.length() <= JOIN_LIMIT) {
      joinedBytes += frame.length();
    }
  }

  /** Forgets the frames not yet written: the requests they carry have failed, so they are worthless. */
  void drop() {
    for (Buffer frame : frames) {
      unsent -= frame.length();
    }
    frames.clear();
    joinedBytes = 0;
  }

  long unsentBytes() {
    return unsent;
  }

  /** Writes made to the socket so far. */
  int writes() {
    return writes;
  }

  private void flush() {
    if (frames.size() == 1) {
      send(frames.get(0));
    } else if (!frames.isEmpty()) {
      Buffer joint = null;
      for (Buffer frame : frames) {
        if (frame.length() > JOIN_LIMIT) {
          send(joint);
          joint = null;
          send(frame);
        } else {
          if (joint == null) {
            joint = Buffer.buffer((int) Math.min(joinedBytes, MAX_PRESIZED));
          }
          joint.appendBuffer(frame);
        }
      }
      send(joint);
    }
    frames.clear();
    joinedBytes = 0;
  }

  private void send(Buffer out) {
    if (out != null) {
      writes++;
      int length = out.length();
      socket.write(out).onComplete(ar -> unsent -= length);
    }
  }
}
