package io.multiverse9.service;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.TargetParser;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the targets of one AGGREGATE go (SPEC 3): bare keys and keys on this node's own addresses to storage, keys on
 * an acknowledged peer to that peer's group, keys on any other address nowhere. An address is resolved once per
 * AGGREGATE, not once per target: the targets of an AGGREGATE name few addresses, and resolving one (this node's
 * three addresses, then the acknowledged peers, then the peer's group) cost node A of an AGGREGATE over two peers
 * more than the rest of placing its targets. The addresses are told apart by their place in the
 * {@link TargetParser}'s table, the one table of the AGGREGATE's addresses; an address past it is resolved as it
 * comes.
 */
final class Placement {

  private final KeyGroup local;
  /** Made when a target is on a peer: most AGGREGATEs are local. */
  private Map<PeerEntry, KeyGroup> remote = Map.of();

  private final Settings now;
  private final Address listening;
  /** Where the keys of the AGGREGATE's targets are: its copy of its payload. */
  private final byte[] keys;
  /** The group of each place of the parser's table once resolved; made with the first address. */
  private KeyGroup[] groups;
  private boolean[] resolved;

  /** @param keys the array the targets' keys are in ({@code Segments.array}) */
  Placement(Settings now, Address listening, byte[] keys, int targets) {
    this.now = now;
    this.listening = listening;
    this.keys = keys;
    this.local = new KeyGroup(keys, targets);
  }

  /** The group for targets on {@code address}, or {@code null} when it is no node this one acknowledges. */
  KeyGroup groupFor(Address address) {
    return groupFor(address, -1);
  }

  /** As {@link #groupFor(Address)}, for an address at {@code place} in the parser's table (-1: none). */
  KeyGroup groupFor(Address address, int place) {
    if (place < 0) {
      return resolve(address);
    }
    if (groups == null) {
      groups = new KeyGroup[TargetParser.REMEMBERED];
      resolved = new boolean[TargetParser.REMEMBERED];
    }
    if (!resolved[place]) {
      groups[place] = resolve(address);
      resolved[place] = true;
    }
    return groups[place];
  }

  /** The targets for this node's storage. */
  KeyGroup local() {
    return local;
  }

  /** The peers asked, each with its group, in the order their first target came. */
  Map<PeerEntry, KeyGroup> remote() {
    return remote;
  }

  private KeyGroup resolve(Address address) {
    if (address.equals(now.addr()) || address.equals(now.advertisedAddr()) || address.equals(listening)) {
      return local;
    }
    PeerEntry peer = now.node(address);
    if (peer == null) {
      return null;
    }
    if (remote.isEmpty()) {
      remote = new LinkedHashMap<>();
    }
    return remote.computeIfAbsent(peer, p -> new KeyGroup(keys, 4));
  }
}
