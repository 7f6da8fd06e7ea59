package io.multiverse9.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsParser;
import io.multiverse9.protocol.Address;
import io.multiverse9.support.TestNode;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where each target's address sends it: this node's own addresses to storage, acknowledged peers to their own
 * group, anything else nowhere; the same whether the address was resolved before (the same object, as
 * TargetParser hands out) or comes as a new object, and past the addresses an AGGREGATE's placement remembers.
 */
class PlacementTest {

  private static final Address ADDR = new Address("127.0.0.1", 7001);
  private static final Address ADVERTISED = new Address("node.example", 7001);
  private static final Address LISTENING = new Address("127.0.0.1", 40001);

  private final Settings settings = new SettingsParser(warning -> { }).parse(TestNode.settings("embedded")
    .put("addr", ADDR.toString()).put("advertised_addr", ADVERTISED.toString())
    .put("nodes", new JsonArray().add("127.0.0.2:7002").add("127.0.0.3:7003")));

  @Test
  void thisNodesAddressesArePlacedInStorageAndPeersInTheirOwnGroup() {
    Placement placement = new Placement(settings, LISTENING, new byte[0], 10);
    for (Address self : List.of(ADDR, ADVERTISED, LISTENING, new Address("127.0.0.1", 7001))) {
      assertSame(placement.local(), placement.groupFor(self), self.toString());
    }
    KeyGroup two = placement.groupFor(new Address("127.0.0.2", 7002));
    KeyGroup three = placement.groupFor(new Address("127.0.0.3", 7003));
    assertNotSame(two, three);
    assertNotSame(placement.local(), two);
    assertSame(two, placement.groupFor(new Address("127.0.0.2", 7002)), "an equal address, another object");
    assertNull(placement.groupFor(new Address("127.0.0.9", 7009)), "not acknowledged");
    assertEquals(List.of(new Address("127.0.0.2", 7002), new Address("127.0.0.3", 7003)),
      placement.remote().keySet().stream().map(p -> p.addr()).toList());
  }

  @Test
  void manyAddressesAreEachPlacedAsTheFirstFew() {
    Placement placement = new Placement(settings, LISTENING, new byte[0], 100);
    List<Address> addresses = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // more than an AGGREGATE's placement remembers, of all three kinds
      addresses.add(switch (i % 3) {
        case 0 -> new Address("127.0.0.2", 7002);
        case 1 -> new Address("10.0.0." + i, 7000 + i);
        default -> ADDR;
      });
    }
    KeyGroup peer = placement.groupFor(addresses.get(0));
    for (Address address : addresses) {
      KeyGroup expected = switch (addresses.indexOf(address) % 3) {
        case 0 -> peer;
        case 1 -> null;
        default -> placement.local();
      };
      assertSame(expected, placement.groupFor(address), address.toString());
      assertSame(expected, placement.groupFor(address), address + ", asked again");
    }
    assertEquals(1, placement.remote().size());
  }
}
