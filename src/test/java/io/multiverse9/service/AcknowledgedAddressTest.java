package io.multiverse9.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SPEC 3: a {@code nodes} entry acknowledges the connections from its IP, compared as an address, not a string. */
@ExtendWith(VertxExtension.class)
class AcknowledgedAddressTest {

  static final int CREATE = 1, FORBIDDEN = 3;

  /** A node on every address of both families that trusts neither loopback nor strangers, only {@code nodes}. */
  static TestNode nodeAcknowledging(Vertx vertx, String... nodes) {
    return TestNode.start(vertx, TestNode.settings(TestRedis.get().uri())
      .put("addr", "[::]:0")
      .put("trust_loopback", false)
      .put("nodes", new JsonArray(java.util.List.of((Object[]) nodes))));
  }

  @Test
  void anIpv6EntryAcknowledgesThatAddressHoweverItIsWritten(Vertx vertx) throws Exception {
    try (TestNode node = nodeAcknowledging(vertx, "[::1]:1")) {
      // the socket reports ::1 as 0:0:0:0:0:0:0:1
      try (WireClient fromV6 = new WireClient("::1", node.port(), "::1")) {
        assertEquals(0, fromV6.call(CREATE, "from ::1").status());
      }
      try (WireClient fromV4 = new WireClient("127.0.0.1", node.port(), "127.0.0.1")) {
        assertEquals(FORBIDDEN, fromV4.call(CREATE, "from 127.0.0.1").status());
      }
    }
    try (TestNode node = nodeAcknowledging(vertx, "[0:0:0:0:0:0:0:1]:1");
         WireClient fromV6 = new WireClient("::1", node.port(), "::1")) {
      assertEquals(0, fromV6.call(CREATE, "from ::1, listed in its long form").status());
    }
  }

  @Test
  void anIpv4EntryAcknowledgesItsClientsOnADualStackListener(Vertx vertx) throws Exception {
    // on [::] an IPv4 client arrives as ::ffff:127.0.0.1, which is the address 127.0.0.1
    try (TestNode node = nodeAcknowledging(vertx, "127.0.0.1:1")) {
      try (WireClient fromV4 = new WireClient("127.0.0.1", node.port(), "127.0.0.1")) {
        assertEquals(0, fromV4.call(CREATE, "from 127.0.0.1").status());
      }
      try (WireClient fromV6 = new WireClient("::1", node.port(), "::1")) {
        assertEquals(FORBIDDEN, fromV6.call(CREATE, "from ::1").status());
      }
    }
  }

  @Test
  void aHostNameEntryIsNotLookedUpSoItsPeerMustAuthenticate(Vertx vertx) throws Exception {
    try (TestNode node = nodeAcknowledging(vertx, "localhost:1");
         WireClient fromV4 = new WireClient("127.0.0.1", node.port(), "127.0.0.1")) {
      assertEquals(FORBIDDEN, fromV4.call(CREATE, "from 127.0.0.1, listed only by name").status());
    }
  }
}
