package io.multiverse9.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.protocol.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;

/**
 * A {@link KeyGroup} groups keys as the plainest code would: up to 16 targets, each asked as sent; past 16, each
 * distinct key once, in the order first seen, every target pointing at its own key. Also when the keys are crafted
 * to collide, and when the group has given up its table for a map.
 */
class KeyGroupTest {

  private static final byte[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".getBytes(StandardCharsets.ISO_8859_1);

  /** What the group must give: the keys to ask, and for each target the index of its key among them. */
  record Grouping(List<String> keys, List<Integer> keyOfTarget, List<Integer> slots) {
  }

  static Grouping expected(List<String> targets) {
    List<Integer> slots = new ArrayList<>();
    for (int j = 0; j < targets.size(); j++) {
      slots.add(slotOf(j));
    }
    List<Integer> keyOfTarget = new ArrayList<>();
    if (targets.size() <= KeyGroup.FEW) {
      for (int j = 0; j < targets.size(); j++) {
        keyOfTarget.add(j);
      }
      return new Grouping(List.copyOf(targets), keyOfTarget, slots);
    }
    Map<String, Integer> firstSeen = new LinkedHashMap<>();
    for (String key : targets) {
      firstSeen.putIfAbsent(key, firstSeen.size());
      keyOfTarget.add(firstSeen.get(key));
    }
    return new Grouping(List.copyOf(firstSeen.keySet()), keyOfTarget, slots);
  }

  static int slotOf(int j) {
    return j * 7 + 3;
  }

  /** The targets as an AGGREGATE's copy of its payload holds them: a zero byte before each. */
  static byte[] payload(List<String> targets) {
    byte[] bytes = new byte[targets.size() * (Keys.LENGTH + 1)];
    for (int j = 0; j < targets.size(); j++) {
      byte[] key = targets.get(j).getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(key, 0, bytes, at(j), Keys.LENGTH);
    }
    return bytes;
  }

  /** Where target {@code j} is in {@link #payload}. */
  static int at(int j) {
    return 1 + j * (Keys.LENGTH + 1);
  }

  static KeyGroup group(List<String> targets, int capacity) {
    return group(targets, capacity, KeyGroup.MAX_PROBES);
  }

  static KeyGroup group(List<String> targets, int capacity, int maxProbes) {
    KeyGroup group = new KeyGroup(payload(targets), capacity, maxProbes);
    for (int j = 0; j < targets.size(); j++) {
      group.add(at(j), slotOf(j));
    }
    return group;
  }

  static Grouping actual(KeyGroup group) {
    List<Integer> keyOfTarget = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    for (int j = 0; j < group.size(); j++) {
      keyOfTarget.add(group.key(j));
      slots.add(group.slot(j));
    }
    return new Grouping(group.keys().toList(), keyOfTarget, slots);
  }

  static List<String> targets(int count, int distinct, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < distinct; i++) {
      pool.add(ulid(random));
    }
    List<String> targets = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      targets.add(pool.get(random.nextInt(distinct)));
    }
    return targets;
  }

  static String ulid(SplittableRandom random) {
    byte[] key = new byte[26];
    key[0] = CROCKFORD[random.nextInt(8)];
    for (int i = 1; i < key.length; i++) {
      key[i] = CROCKFORD[random.nextInt(32)];
    }
    return new String(key, StandardCharsets.ISO_8859_1);
  }

  /** The 4096 keys of one {@code String.hashCode}: "0P" and "11" hash alike, so do strings made of 12 of them. */
  static List<String> colliding() {
    List<String> keys = new ArrayList<>();
    for (int n = 0; n < 4096; n++) {
      StringBuilder key = new StringBuilder("0");
      for (int bit = 0; bit < 12; bit++) {
        key.append((n >>> bit & 1) == 0 ? "0P" : "11");
      }
      keys.add(key.append('Z').toString());
    }
    return keys;
  }

  /** Few distinct keys make many repeats; many make few. A group starts small (a peer's) or sized for all. */
  @Property(tries = 200)
  void groupsAsThePlainestCodeWould(@ForAll("counts") int count, @ForAll("distinct") int distinct,
      @ForAll long seed, @ForAll boolean sizedForAll) {
    List<String> targets = targets(count, distinct, seed);
    KeyGroup group = group(targets, sizedForAll ? targets.size() : 4);
    assertEquals(expected(targets), actual(group));
    assertFalse(group.fellBack(), "random keys make no walk of " + KeyGroup.MAX_PROBES + " cells");
  }

  /** Forced to fall back (at once, or at its first collision), the group still gives the same grouping. */
  @Property(tries = 100)
  void groupsAlikeAfterFallingBack(@ForAll("counts") int count, @ForAll("distinct") int distinct,
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 1) int maxProbes, @ForAll boolean sizedForAll) {
    List<String> targets = targets(count, distinct, seed);
    KeyGroup group = group(targets, sizedForAll ? targets.size() : 4, maxProbes);
    assertEquals(expected(targets), actual(group));
  }

  /** As many targets below 16 as above, up to 5000 (more than limits.max_targets). */
  @Provide
  Arbitrary<Integer> counts() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, KeyGroup.FEW + 1),
      Arbitraries.integers().between(0, 5000).withDistribution(RandomDistribution.uniform()));
  }

  @Provide
  Arbitrary<Integer> distinct() {
    return Arbitraries.oneOf(Arbitraries.integers().between(1, 20),
      Arbitraries.integers().between(1, 6000).withDistribution(RandomDistribution.uniform()));
  }

  @Example
  void keysWhoseStringHashesAllCollideAreGroupedWithoutFallingBack() {
    List<String> keys = colliding();
    assertEquals(1, keys.stream().mapToInt(String::hashCode).distinct().count(), "the keys collide");
    List<String> targets = new ArrayList<>(keys);
    targets.addAll(keys.subList(0, 1000)); // and repeats of them
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      KeyGroup group = group(targets, targets.size());
      assertEquals(expected(targets), actual(group));
      assertFalse(group.fellBack(), "the table's hash is not String.hashCode");
    });
  }

  /** A client's keys of one millisecond differ only in their last chars, counting up. */
  @Example
  void consecutiveKeysAreGroupedWithoutFallingBack() {
    List<String> targets = new ArrayList<>();
    for (int n = 0; n < 4096; n++) {
      StringBuilder key = new StringBuilder("01JD7Q6W7C0000000000");
      for (int digit = 5; digit >= 0; digit--) {
        key.append((char) CROCKFORD[n >>> (5 * digit) & 31]);
      }
      targets.add(key.toString());
    }
    KeyGroup group = group(targets, targets.size());
    assertEquals(expected(targets), actual(group));
    assertFalse(group.fellBack());
  }

  /** Two keys of one 32-bit hash (found by the birthday paradox, in some 80000 keys) stay two keys. */
  @Example
  void keysOfOneHashAreToldApart() {
    SplittableRandom random = new SplittableRandom();
    Map<Integer, String> seen = new HashMap<>();
    String[] pair = null;
    while (pair == null) {
      String key = ulid(random);
      String before = seen.putIfAbsent(KeyGroup.hash(key.getBytes(StandardCharsets.ISO_8859_1), 0), key);
      if (before != null && !before.equals(key)) {
        pair = new String[] {before, key};
      }
    }
    List<String> targets = new ArrayList<>();
    for (int j = 0; j < 40; j++) {
      targets.add(pair[j % 2]);
    }
    KeyGroup group = group(targets, targets.size());
    assertEquals(expected(targets), actual(group));
    assertEquals(2, group.keys().size());
  }

  @Example
  void aGroupThatFellBackGroupsTheCollidingKeysAlike() {
    List<String> targets = colliding();
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      KeyGroup group = group(targets, targets.size(), 0);
      assertEquals(expected(targets), actual(group));
      assertTrue(group.fellBack());
    });
  }

  @Example
  void upToSixteenTargetsRepeatsAreAskedAsSent() {
    List<String> targets = new ArrayList<>();
    for (int j = 0; j <= KeyGroup.FEW; j++) {
      targets.add("01JD7Q6W7C4X5S2Z3Y8K9M0N1P");
    }
    KeyGroup group = new KeyGroup(payload(targets), targets.size());
    for (int j = 0; j < KeyGroup.FEW; j++) {
      group.add(at(j), j);
    }
    assertEquals(KeyGroup.FEW, group.keys().size());
    group.add(at(KeyGroup.FEW), 99);
    assertEquals(List.of("01JD7Q6W7C4X5S2Z3Y8K9M0N1P"), group.keys().toList());
  }
}
