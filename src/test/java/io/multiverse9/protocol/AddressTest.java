package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Addresses compare as addresses, not as strings, however an IPv6 host is written. */
class AddressTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "[::1]:7001|[0:0:0:0:0:0:0:1]:7001|[::1]:7001",
    "[2001:DB8::1]:7001|[2001:db8:0:0:0:0:0:1]:7001|[2001:db8::1]:7001",
    "NODE.example:7001|node.example:7001|node.example:7001",
    "127.0.0.1:7001|127.0.0.1:7001|127.0.0.1:7001"})
  void theSameHostWrittenTwoWaysIsOneAddress(String one, String other, String shown) {
    assertEquals(Address.parse(one, false), Address.parse(other, false));
    assertEquals(shown, Address.parse(other, false).toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"[::1]:7001|[::2]:7001", "[::1]:7001|[::1]:7002", "127.0.0.1:7001|127.0.0.2:7001"})
  void differentAddressesDiffer(String one, String other) {
    assertNotEquals(Address.parse(one, false), Address.parse(other, false));
  }
}
