package io.multiverse9.service;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.peer.OverAllowanceException;
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
 * <p>Run with an {@link Allowance} (SPEC 1.6, requests already read), it holds no more than that: its local values
 * and each peer's answer get a share, and a part that would be more keeps nothing (storage does not read it whole,
 * a peer's answer is read past). It then answers {@code null}, and its connection runs it again when it may hold
 * what each part was found to need.
 */
final class Aggregation {

  /**
   * The targets: each entry echoes its target as the client sent it, sliced from the payload when the entry is
   * made, not when the target is parsed (a slice per target held meanwhile was about a fifth of what a held
   * AGGREGATE of 4,096 keys held); their array holds the keys asked, normalised in place.
   */
  private final Segments targets;
  private final AggregateEntry[] entries;

  private Aggregation(Segments targets) {
    this.targets = targets;
    this.entries = new AggregateEntry[targets.size()];
  }

  static Future<Reply> run(Settings now, Address listening, Segments targets, StorageClient storage,
      PeerClient peers) {
    return run(now, listening, targets, storage, peers, Allowance.NONE);
  }

  /**
   * @param allowance what its local values and its peers' answers may add up to, each part within its share: when
   *     one would be more the reply is {@code null} ({@link Allowance#needed} says how much all came to); values
   *     that alone come to more than {@code max_answer_bytes} are answered TOO_LARGE without being read
   */
  static Future<Reply> run(Settings now, Address listening, Segments targets, StorageClient storage,
      PeerClient peers, Allowance allowance) {
    return new Aggregation(targets).parseAndAsk(now, listening, storage, peers, allowance);
  }

  private Future<Reply> parseAndAsk(Settings now, Address listening, StorageClient storage, PeerClient peers,
      Allowance allowance) {
    int count = targets.size();
    Placement placement = new Placement(now, listening, targets.array(), count);
    TargetParser parser = new TargetParser();
    for (int i = 0; i < count; i++) {
      Target target = parser.parse(targets, i);
      if (!target.isValid()) {
        fail(i, EntryStatus.INVALID_KEY, target.error());
      } else if (!target.isRemote()) {
        placement.local().add(target.keyAt(), i);
      } else {
        KeyGroup group = placement.groupFor(target.address(), target.place());
        if (group == null) {
          fail(i, EntryStatus.FORBIDDEN, target.address() + " is not an acknowledged node");
        } else {
          group.add(target.keyAt(), i);
        }
      }
    }
    if (allowance.bytes >= 0) {
      allowance.parsed(count, now.keyPrefix());
    }
    if (!placement.remote().isEmpty() && !allowance.mayAskPeers) {
      return Future.succeededFuture(null);
    }
    int maxAnswer = now.limits().maxAnswerBytes();
    KeyGroup local = placement.local();
    List<String> partNames = null;
    if (!placement.remote().isEmpty()) {
      partNames = new ArrayList<>();
      if (local.size() > 0) {
        partNames.add(Allowance.LOCAL);
      }
      for (PeerEntry peer : placement.remote().keySet()) {
        partNames.add(peer.addr().toString());
      }
    }
    List<Future<?>> parts = new ArrayList<>();
    if (local.size() > 0) {
      long share = partNames == null ? allowance.localShare() : allowance.share(Allowance.LOCAL, partNames);
      parts.add(storage.fetch(local.keys(), share)
        .onSuccess(reply -> {
          if (reply instanceof StorageReply.OverLimit over) {
            allowance.cameTo(Allowance.LOCAL, over.needed(), true);
          } else {
            List<Buffer> values = ((StorageReply.Values) reply).values();
            allowance.cameTo(Allowance.LOCAL, lengthOf(values), false);
            fillValues(local, values);
          }
        })
        .onFailure(e -> failGroup(local, EntryStatus.UNAVAILABLE, e.getMessage())));
    }
    for (Map.Entry<PeerEntry, KeyGroup> e : placement.remote().entrySet()) {
      KeyGroup group = e.getValue();
      String part = e.getKey().addr().toString();
      parts.add(peers.aggregate(e.getKey().addr(), group.keys(), now.limits().peerTimeoutMs(),
          allowance.share(part, partNames))
        .onSuccess(answer -> {
          allowance.cameTo(part, ResponseEncoder.payloadLength(answer), false);
          allowance.peerFitted(true);
          fillEntries(group, answer);
        })
        .onFailure(failure -> {
          if (failure instanceof OverAllowanceException over) {
            allowance.cameTo(part, over.needed(), true);
            allowance.peerFitted(false);
          } else {
            // nothing was read past: a peer that did not answer (cut off, timed out, refused) cost no transfer, so
            // the connection's next AGGREGATEs may ask peers side by side; else each waits out the peer timeout alone
            allowance.peerFitted(true);
            failGroup(group, failure instanceof PeerException pe ? pe.status() : EntryStatus.UNAVAILABLE,
              failure.getMessage());
          }
        }));
    }
    return Future.join(parts).transform(ar -> {
      long needed = allowance.needed();
      return Future.succeededFuture(needed == 0 ? answer(maxAnswer)
        : needed > maxAnswer ? tooLarge("its values come to " + needed, maxAnswer) : null);
    });
  }

  private static long lengthOf(List<Buffer> values) {
    long sum = 0;
    for (Buffer value : values) {
      sum += value == null ? 0 : value.length();
    }
    return sum;
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
      Buffer raw = targets.slice(slot);
      entries[slot] = value == null ? AggregateEntry.notFound(raw) : AggregateEntry.found(raw, value);
    }
  }

  /** A peer's entries name the bare keys asked of it; each of ours names its target as the client sent it. */
  private void fillEntries(KeyGroup group, List<AggregateEntry> answer) {
    for (int j = 0; j < group.size(); j++) {
      int slot = group.slot(j);
      AggregateEntry entry = answer.get(group.key(j));
      entries[slot] = new AggregateEntry(entry.status(), targets.slice(slot), entry.data());
    }
  }

  private void failGroup(KeyGroup group, EntryStatus status, String message) {
    for (int j = 0; j < group.size(); j++) {
      fail(group.slot(j), status, message);
    }
  }

  private void fail(int slot, EntryStatus status, String message) {
    entries[slot] = AggregateEntry.failed(status, targets.slice(slot), message);
  }
}
