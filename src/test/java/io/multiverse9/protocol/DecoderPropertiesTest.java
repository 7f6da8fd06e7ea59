package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the decoder over any input (issue 7): nothing escapes as an exception, a fatal error is the last
 * thing reported, and how the bytes are split into reads never changes what is decoded.
 */
class DecoderPropertiesTest {

  static final int MAX = 256;

  static List<String> decode(byte[] input, List<Integer> cuts) {
    List<String> events = new ArrayList<>();
    RecordParser parser = RecordParser.newFixed(1);
    RequestDecoder.attach(parser, MAX, new RequestDecoder.Listener() {
      @Override
      public void onRequest(Request r) {
        events.add(r.form() + " " + r.opcode() + " " + r.command() + " " + Buffer.buffer(r.payload().getBytes()));
      }

      @Override
      public void onError(ProtocolException e) {
        events.add("ERROR " + e.status() + (e.fatal() ? " fatal" : ""));
      }
    });
    int pos = 0;
    for (int cut : cuts) {
      int end = Math.min(input.length, pos + cut);
      parser.handle(Buffer.buffer(java.util.Arrays.copyOfRange(input, pos, end)));
      pos = end;
    }
    if (pos < input.length) {
      parser.handle(Buffer.buffer(java.util.Arrays.copyOfRange(input, pos, input.length)));
    }
    return events;
  }

  @Property(tries = 500)
  void anyBytesInAnySplitDecodeTheSameAndNeverThrow(@ForAll @Size(max = 600) byte[] input,
                                                    @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 64) Integer> cuts) {
    List<String> whole = decode(input, List.of(input.length + 1));
    assertEquals(whole, decode(input, cuts));
    for (int i = 0; i < whole.size(); i++) {
      if (whole.get(i).endsWith("fatal")) {
        assertEquals(whole.size() - 1, i, "nothing is reported after a fatal error: " + whole);
      }
    }
  }

  @Property(tries = 300)
  void wellFormedStreamsDecodeToExactlyTheirRequests(@ForAll("frames") List<byte[]> frames,
                                                     @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 32) Integer> cuts) {
    java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
    frames.forEach(stream::writeBytes);
    List<String> events = decode(stream.toByteArray(), cuts);
    assertEquals(frames.size(), events.size(), events.toString());
    assertTrue(events.stream().noneMatch(e -> e.startsWith("ERROR")), events.toString());
  }

  /** Valid binary frames (any opcode with a 0x00 high byte, payload within the limit), text lines and RESP arrays. */
  @Provide
  Arbitrary<List<byte[]>> frames() {
    Arbitrary<byte[]> binary = Combinators.combine(Arbitraries.integers().between(0, 255),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(MAX))
      .as((op, payload) -> Buffer.buffer().appendUnsignedShort(op).appendInt(payload.length).appendBytes(payload)
        .getBytes());
    Arbitrary<byte[]> text = Combinators.combine(Arbitraries.of("CREATE", "ping", "Aggregate", "REMOVE", "FOO"),
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(100))
      .as((command, rest) -> (command + " " + rest + "\n").getBytes());
    // each command with arguments it takes, so that every array is a request the decoder hands on, not an error
    Arbitrary<byte[]> argument = Arbitraries.bytes().between((byte) 1, Byte.MAX_VALUE).array(byte[].class)
      .ofMinSize(1).ofMaxSize(40);
    Arbitrary<byte[]> resp = Arbitraries.oneOf(
        argument.list().ofSize(1).map(args -> respArray("CREATE", args)),
        argument.list().ofMaxSize(1).map(args -> respArray("ping", args)),
        argument.list().ofMinSize(1).ofMaxSize(4).map(args -> respArray("Aggregate", args)),
        argument.list().ofMinSize(1).ofMaxSize(4).map(args -> respArray("REMOVE", args)),
        argument.list().ofMaxSize(4).map(args -> respArray("FOO", args)),
        argument.list().ofMaxSize(2).map(args -> respArray("HELLO", args)),
        Arbitraries.just(respArray("client", List.of("SETNAME".getBytes(), "n".getBytes()))),
        Arbitraries.just(respArray("SELECT", List.of("0".getBytes()))));
    return Arbitraries.oneOf(binary, text, resp).list().ofMaxSize(30);
  }

  static byte[] respArray(String command, List<byte[]> args) {
    Buffer out = Buffer.buffer("*" + (args.size() + 1) + "\r\n$" + command.length() + "\r\n" + command + "\r\n");
    args.forEach(arg -> out.appendString("$" + arg.length + "\r\n").appendBytes(arg).appendString("\r\n"));
    return out.getBytes();
  }
}
