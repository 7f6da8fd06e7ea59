package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Parsing the targets of one AGGREGATE with a {@link TargetParser}, which parses each distinct address once, gives
 * exactly what parsing each target on its own gives: keys, addresses, errors, whatever the order and mix.
 */
class TargetParserTest {

  private static final String KEY = "01JD7Q6W7C4X5S2Z3Y8K9M0N1P";

  @Property(tries = 300)
  void parsesEveryTargetAsOnItsOwn(@ForAll("targets") List<String> targets) {
    TargetParser parser = new TargetParser();
    for (String text : targets) {
      Buffer raw = Buffer.buffer(text);
      assertEquals(Target.parse(raw), withoutPlace(parser.parse(raw)), text);
    }
  }

  /** Parsing in place, from the payload's array, gives what parsing a copy of each target alone gives. */
  @Property(tries = 300)
  void parsesEveryTargetOfAPayloadAsOnItsOwn(@ForAll("targets") List<String> targets,
      @ForAll("separators") List<String> separators) {
    StringBuilder payload = new StringBuilder(separators.get(0));
    for (int i = 0; i < targets.size(); i++) {
      payload.append(targets.get(i)).append(separators.get((i + 1) % separators.size()));
    }
    Segments items = Segments.split(Buffer.buffer(payload.toString().getBytes(StandardCharsets.ISO_8859_1)), 4096);
    List<Buffer> alone = items.slices();
    TargetParser parser = new TargetParser();
    for (int i = 0; i < items.size(); i++) {
      Buffer copy = Buffer.buffer(alone.get(i).getBytes());
      assertEquals(Target.parse(copy), withoutPlace(parser.parse(items, i)), payload.toString());
    }
  }

  @Example
  void anAddressSeenBeforeIsNotParsedAgain() {
    TargetParser parser = new TargetParser();
    Target first = parser.parse(Buffer.buffer(KEY + "@127.0.0.3:7102"));
    parser.parse(Buffer.buffer(KEY + "@127.0.0.4:7103"));
    Target again = parser.parse(Buffer.buffer(KEY.toLowerCase() + "@127.0.0.3:7102"));
    assertSame(first.address(), again.address());
    assertEquals(KEY, again.key());
  }

  @Provide
  Arbitrary<List<String>> separators() {
    return Arbitraries.of("", "\0", "\0", "\0\0").list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<String>> targets() {
    Arbitrary<String> key = Arbitraries.oneOf(
      Arbitraries.just(KEY), Arbitraries.just(KEY.toLowerCase()), Arbitraries.just("01JD7Q6W7C4X5S2Z3Y8K9M0N1Z"),
      Arbitraries.strings().withChars("0123456789ABCDEFGHJKMNPQRSTVWXYZ").ofLength(26),
      Arbitraries.strings().ascii().ofMaxLength(30),
      Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(30));
    Arbitrary<String> address = Arbitraries.oneOf(
      Arbitraries.just(""),
      Arbitraries.integers().between(1, 12).map(n -> "@127.0.0." + n + ":7101"),
      Arbitraries.integers().between(7100, 7103).map(p -> "@[::1]:" + p),
      Arbitraries.just("@[0:0:0:0:0:0:0:1]:7101"),
      Arbitraries.just("@NODE.example:7001"),
      Arbitraries.just("@127.0.0.3:99999"),
      Arbitraries.just("@127.0.0.3"),
      Arbitraries.strings().ascii().ofMaxLength(20).map(s -> "@" + s));
    return Combinators.combine(key, address).as((k, a) -> k + a).list().ofMaxSize(40);
  }

  /** A target as parsed on its own: the same, but for its place in the parser's table of addresses. */
  private static Target withoutPlace(Target target) {
    return new Target(target.bytes(), target.keyAt(), target.address(), target.error());
  }
}
