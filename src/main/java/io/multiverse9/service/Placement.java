package io.multiverse9.service;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.protocol.Address;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the targets of one AGGREGATE go (SPEC 3): bare keys and keys on this node's own addresses to storage, keys on
 * an acknowledged peer to that peer's group, keys on any other address nowhere. An address is resolved once per
 * AGGREGATE, not once per target: the targets of an AGGREGATE name few addresses, and resolving one (this node's
 * three addresses, then the acknowledged peers, then the peer's group) cost node A of an AGGREGATE over two peers
 * more than the rest of placing its targets. {@code TargetParser} hands out one {@link Address} object per distinct
 * address it remembers, so the addresses resolved are found again by identity; past {@link #REMEMBERED} of them,
 * each target's address is resolved as it comes.
 */
final class Placement {

  private static final int REMEMBERED = 8;

  private final KeyGroup local;
  /** Made when a target is on a peer: most AGGREGATEs are local. */
  private Map<PeerEntry, KeyGroup> remote = Map.of();

  private final Settings now;
  private final Address listening;
  /** Made with the first address: most AGGREGATEs name none, and cost no more than before for it. */
  private Address[] resolved;
  /** The group of each address resolved; {@code null} for an address that is no acknowledged node. */
  private KeyGroup[] groups;
  private int count;

  Placement(Settings now, Address listening, int targets) {
    this.now = now;
    this.listening = listening;
    this.local = new KeyGroup(targets);
  }

  /** The group for targets on {@code address}, or {@code null} when it is no node this one acknowledges. */
  KeyGroup groupFor(Address address) {
    for (int r = 0; r < count; r++) {
      if (resolved[r] == address) {
        return groups[r];
      }
    }
    KeyGroup group = resolve(address);
    if (resolved == null) {
      resolved = new Address[REMEMBERED];
      groups = new KeyGroup[REMEMBERED];
    }
    if (count < REMEMBERED) {
      resolved[count] = address;
      groups[count++] = group;
    }
    return group;
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
    return remote.computeIfAbsent(peer, p -> new KeyGroup(4));
  }
}
