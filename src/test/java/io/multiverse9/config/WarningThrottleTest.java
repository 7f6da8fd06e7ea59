package io.multiverse9.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WarningThrottleTest {

  final AtomicLong now = new AtomicLong(1_000);
  final WarningThrottle throttle = new WarningThrottle(2, 10, now::get);

  @Test
  void aBurstGoesThroughThenOneLinePerIntervalCarryingTheCountHeldBack() {
    assertEquals("w", throttle.admit("w"));
    assertEquals("w", throttle.admit("w"));
    assertNull(throttle.admit("w"));
    assertNull(throttle.admit("w"));
    now.addAndGet(9);
    assertNull(throttle.admit("w"), "nothing earned before a whole interval");
    now.addAndGet(1);
    assertEquals("w (3 more like it not logged since the last one)", throttle.admit("w"));
    assertNull(throttle.admit("w"));
  }

  @Test
  void aQuietSpellEarnsTheBurstBackButNoMore() {
    throttle.admit("w");
    throttle.admit("w");
    now.addAndGet(1_000);
    assertEquals("w", throttle.admit("w"));
    assertEquals("w", throttle.admit("w"));
    assertNull(throttle.admit("w"));
  }
}
