package io.multiverse9.node;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.peer.PeerClient;
import io.multiverse9.peer.PeerException;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.ResponseEncoder;
import io.multiverse9.protocol.Segments;
import io.multiverse9.protocol.Status;
import io.multiverse9.protocol.Target;
import io.multiverse9.protocol.TargetParser;
import io.multiverse9.storage.StorageClient;
import io.multiverse9.storage.StorageReply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One AGGREGATE (SPEC 1.3): targets on this node go to storage in one batch; targets on acknowledged peers are
 * grouped by peer, one AGGREGATE of bare keys each, all asked in parallel; a target on any other address is
 * FORBIDDEN and no connection is made. A failed part turns only its own entries into errors.
 *
 * <p>Run with an {@link Allowance} (SPEC 1.6, requests already read), it reads no more than that of its local
 * values altogether, and asks no peer unless it runs alone: it answers {@code null} when that is not enough, and
 * its connection runs it again when it may hold what it needs.
 */
final class Aggregation {

  /** Each target as the client sent it, echoed in its entry. */
  private final Buffer[] raw;
  private final AggregateEntry[] entries;

  private Aggregation(int size) {
    this.raw = new Buffer[size];
    this.entries = new AggregateEntry[size];
  }

  static Future<Reply> run(Settings now, Address listening, Segments targets, StorageClient storage,
      PeerClient peers) {
    return run(now, listening, targets, storage, peers, Allowance.NONE);
  }

  /**
   * @param allowance what its local values may add up to: when they would come to more the reply is {@code null}
   *     ({@link Allowance#needed} says how much), and so it is at once for targets on peers unless it runs alone;
   *     values that alone come to more than {@code max_answer_bytes} are answered TOO_LARGE without being read
   */
  static Future<Reply> run(Settings now, Address listening, Segments targets, StorageClient storage,
      PeerClient peers, Allowance allowance) {
    return new Aggregation(targets.size()).parseAndAsk(now, listening, targets, storage, peers, allowance);
  }

  // targets is not kept: its copy of the payload is garbage once the targets are parsed
  private Future<Reply> parseAndAsk(Settings now, Address listening, Segments targets, StorageClient storage,
      PeerClient peers, Allowance allowance) {
    Placement placement = new Placement(now, listening, raw.length);
    TargetParser parser = new TargetParser();
    for (int i = 0; i < raw.length; i++) {
      Target target = parser.parse(targets, i);
      raw[i] = target.raw();
      if (!target.isValid()) {
        fail(i, EntryStatus.INVALID_KEY, target.error());
      } else if (!target.isRemote()) {
        placement.local().add(target.key(), i);
      } else {
        KeyGroup group = placement.groupFor(target.address());
        if (group == null) {
          fail(i, EntryStatus.FORBIDDEN, target.address() + " is not an acknowledged node");
        } else {
          group.add(target.key(), i);
        }
      }
    }
    if (!allowance.alone && !placement.remote().isEmpty()) {
      return Future.succeededFuture(null);
    }
    int maxAnswer = now.limits().maxAnswerBytes();
    List<Future<?>> parts = new ArrayList<>();
    KeyGroup local = placement.local();
    if (local.size() > 0) {
      parts.add(storage.fetch(local.keys, allowance.bytes)
        .onSuccess(reply -> {
          if (reply instanceof StorageReply.OverLimit over) {
            allowance.needed = over.needed();
          } else {
            fillValues(local, ((StorageReply.Values) reply).values());
          }
        })
        .onFailure(e -> failGroup(local, EntryStatus.UNAVAILABLE, e.getMessage())));
    }
    for (Map.Entry<PeerEntry, KeyGroup> e : placement.remote().entrySet()) {
      KeyGroup group = e.getValue();
      parts.add(peers.aggregate(e.getKey().addr(), group.keys, now.limits().peerTimeoutMs())
        .onSuccess(answer -> fillEntries(group, answer))
        .onFailure(failure -> failGroup(group, failure instanceof PeerException pe ? pe.status()
          : EntryStatus.UNAVAILABLE, failure.getMessage())));
    }
    return Future.join(parts).transform(ar -> Future.succeededFuture(allowance.needed == 0 ? answer(maxAnswer)
      : allowance.needed > maxAnswer ? tooLarge("its values come to " + allowance.needed, maxAnswer) : null));
  }

  /** The entries, or TOO_LARGE when they would not fit in {@code limits.max_answer_bytes} (SPEC 1.6). */
  private Reply answer(int maxAnswer) {
    Reply.Entries answer = new Reply.Entries(Arrays.asList(entries));
    long length = ResponseEncoder.binaryLength(answer);
    return length > maxAnswer ? tooLarge("the answer would be " + length, maxAnswer) : answer;
  }

  private static Reply tooLarge(String what, int maxAnswer) {
    return Reply.error(Status.TOO_LARGE, what + " bytes, more than the limit of " + maxAnswer
      + " (limits.max_answer_bytes); ask for fewer targets at a time");
  }

  private void fillValues(KeyGroup group, List<Buffer> values) {
    for (int j = 0; j < group.size(); j++) {
      int slot = group.slot(j);
      Buffer value = values.get(group.key(j));
      entries[slot] = value == null ? AggregateEntry.notFound(raw[slot]) : AggregateEntry.found(raw[slot], value);
    }
  }

  /** A peer's entries name the bare keys asked of it; each of ours names its target as the client sent it. */
  private void fillEntries(KeyGroup group, List<AggregateEntry> answer) {
    for (int j = 0; j < group.size(); j++) {
      int slot = group.slot(j);
      AggregateEntry entry = answer.get(group.key(j));
      entries[slot] = new AggregateEntry(entry.status(), raw[slot], entry.data());
    }
  }

  private void failGroup(KeyGroup group, EntryStatus status, String message) {
    for (int j = 0; j < group.size(); j++) {
      fail(group.slot(j), status, message);
    }
  }

  private void fail(int slot, EntryStatus status, String message) {
    entries[slot] = AggregateEntry.failed(status, raw[slot], message);
  }
}
