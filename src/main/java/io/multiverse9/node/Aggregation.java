package io.multiverse9.node;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.peer.PeerClient;
import io.multiverse9.peer.PeerException;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.Segments;
import io.multiverse9.protocol.Status;
import io.multiverse9.protocol.Target;
import io.multiverse9.protocol.TargetParser;
import io.multiverse9.storage.StorageClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One AGGREGATE (SPEC 1.3): targets on this node go to storage in one batch; targets on acknowledged peers are
 * grouped by peer, one AGGREGATE of bare keys each, all asked in parallel; a target on any other address is
 * FORBIDDEN and no connection is made. A failed part turns only its own entries into errors.
 */
final class Aggregation {

  /**
   * The targets asked of one place (storage or a peer), with where their entries go. Past {@link #FEW} targets, a
   * key asked for more than once is fetched once and its value shared by its entries, so that repeating a key
   * cannot make the node fetch and hold its value many times over; up to {@code FEW}, repeats cost at most that
   * many copies, and looking for them would cost every small AGGREGATE a few percent.
   */
  private static final class Group {
    private static final int FEW = 16;

    final List<String> keys;
    private Map<String, Integer> indexOfKey;
    private int[] slots;
    private int[] keyOfSlot;
    private int size;

    private final int capacity;

    Group(int capacity) {
      this.capacity = capacity;
      keys = new ArrayList<>(capacity);
      slots = new int[capacity];
      keyOfSlot = new int[capacity];
    }

    void add(String key, int slot) {
      if (size == slots.length) {
        slots = Arrays.copyOf(slots, size * 2);
        keyOfSlot = Arrays.copyOf(keyOfSlot, size * 2);
      }
      if (size == FEW) {
        deduplicate();
      }
      int k;
      if (indexOfKey == null) {
        k = keys.size();
        keys.add(key);
      } else {
        k = indexOfKey.computeIfAbsent(key, absent -> {
          keys.add(absent);
          return keys.size() - 1;
        });
      }
      slots[size] = slot;
      keyOfSlot[size++] = k;
    }

    /** From here on, each key is asked for once: the keys so far are folded, and a map finds repeats. */
    private void deduplicate() {
      List<String> asked = List.copyOf(keys);
      keys.clear();
      indexOfKey = new HashMap<>(Math.max(FEW * 4, capacity * 2)); // never rehashed
      for (int j = 0; j < size; j++) {
        String key = asked.get(keyOfSlot[j]);
        keyOfSlot[j] = indexOfKey.computeIfAbsent(key, absent -> {
          keys.add(absent);
          return keys.size() - 1;
        });
      }
    }

    int size() {
      return size;
    }

    int slot(int j) {
      return slots[j];
    }

    /** Where in {@link #keys} (and in the answer for them) the key of target {@code j} is. */
    int key(int j) {
      return keyOfSlot[j];
    }
  }

  /** Each target as the client sent it, echoed in its entry. */
  private final Buffer[] raw;
  private final AggregateEntry[] entries;

  private Aggregation(int size) {
    this.raw = new Buffer[size];
    this.entries = new AggregateEntry[size];
  }

  static Future<Reply> run(Settings now, Address listening, Segments targets, StorageClient storage,
      PeerClient peers) {
    return new Aggregation(targets.size()).parseAndAsk(now, listening, targets, storage, peers);
  }

  // targets is not kept: its copy of the payload is garbage once the targets are parsed
  private Future<Reply> parseAndAsk(Settings now, Address listening, Segments targets, StorageClient storage,
      PeerClient peers) {
    Group local = new Group(raw.length);
    Map<PeerEntry, Group> remote = Map.of(); // made when a target is on a peer: most AGGREGATEs are local
    TargetParser parser = new TargetParser();
    for (int i = 0; i < raw.length; i++) {
      Target target = parser.parse(targets, i);
      raw[i] = target.raw();
      if (!target.isValid()) {
        fail(i, EntryStatus.INVALID_KEY, target.error());
      } else if (!target.isRemote() || isSelf(now, listening, target.address())) {
        local.add(target.key(), i);
      } else {
        PeerEntry peer = now.node(target.address());
        if (peer == null) {
          fail(i, EntryStatus.FORBIDDEN, target.address() + " is not an acknowledged node");
        } else {
          if (remote.isEmpty()) {
            remote = new LinkedHashMap<>();
          }
          remote.computeIfAbsent(peer, p -> new Group(4)).add(target.key(), i);
        }
      }
    }
    List<Future<?>> parts = new ArrayList<>();
    if (local.size() > 0) {
      parts.add(storage.fetch(local.keys)
        .onSuccess(values -> fillValues(local, values))
        .onFailure(e -> failGroup(local, EntryStatus.UNAVAILABLE, e.getMessage())));
    }
    for (Map.Entry<PeerEntry, Group> e : remote.entrySet()) {
      Group group = e.getValue();
      parts.add(peers.aggregate(e.getKey().addr(), group.keys, now.limits().peerTimeoutMs())
        .onSuccess(answer -> fillEntries(group, answer))
        .onFailure(failure -> failGroup(group, failure instanceof PeerException pe ? pe.status()
          : EntryStatus.UNAVAILABLE, failure.getMessage())));
    }
    int maxAnswer = now.limits().maxAnswerBytes();
    return Future.join(parts).transform(ar -> Future.succeededFuture(answer(maxAnswer)));
  }

  /** The entries, or TOO_LARGE when they would not fit in {@code limits.max_answer_bytes} (SPEC 1.6). */
  private Reply answer(int maxAnswer) {
    Reply.Entries answer = new Reply.Entries(Arrays.asList(entries));
    long length = 6 + answer.payloadLength();
    if (length > maxAnswer) {
      return Reply.error(Status.TOO_LARGE, "the answer would be " + length + " bytes, more than the limit of "
        + maxAnswer + " (limits.max_answer_bytes); ask for fewer targets at a time");
    }
    return answer;
  }

  private void fillValues(Group group, List<Buffer> values) {
    for (int j = 0; j < group.size(); j++) {
      int slot = group.slot(j);
      Buffer value = values.get(group.key(j));
      entries[slot] = value == null ? AggregateEntry.notFound(raw[slot]) : AggregateEntry.found(raw[slot], value);
    }
  }

  /** A peer's entries name the bare keys asked of it; each of ours names its target as the client sent it. */
  private void fillEntries(Group group, List<AggregateEntry> answer) {
    for (int j = 0; j < group.size(); j++) {
      int slot = group.slot(j);
      AggregateEntry entry = answer.get(group.key(j));
      entries[slot] = new AggregateEntry(entry.status(), raw[slot], entry.data());
    }
  }

  private void failGroup(Group group, EntryStatus status, String message) {
    for (int j = 0; j < group.size(); j++) {
      fail(group.slot(j), status, message);
    }
  }

  private void fail(int slot, EntryStatus status, String message) {
    entries[slot] = AggregateEntry.failed(status, raw[slot], message);
  }

  private static boolean isSelf(Settings now, Address listening, Address address) {
    return address.equals(now.addr()) || address.equals(now.advertisedAddr()) || address.equals(listening);
  }
}
