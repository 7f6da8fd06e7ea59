package io.multiverse9.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder on its own, fed by hand: no sockets (SPEC 1.1, 1.5). */
class RequestDecoderTest {

  static final int MAX = 1024;

  /** Everything the decoder reported, as comparable strings. */
  static class Recorder implements RequestDecoder.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onRequest(Request r) {
      events.add(r.form() + " " + (r.opcode() == null ? "?" + r.command() : r.opcode()) + " "
        + hex(r.payload()));
    }

    @Override
    public void onError(ProtocolException e) {
      events.add("ERROR " + e.status() + " " + e.form() + (e.fatal() ? " fatal" : ""));
    }
  }

  static String hex(Buffer b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < b.length(); i++) {
      s.append(String.format("%02x", b.getByte(i)));
    }
    return s.toString();
  }

  static Buffer frame(int opcode, String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.ISO_8859_1);
    return Buffer.buffer().appendUnsignedShort(opcode).appendInt(bytes.length).appendBytes(bytes);
  }

  /** Decodes {@code input} delivered in chunks of the given sizes (cycled). */
  static List<String> decode(Buffer input, int... chunkSizes) {
    Recorder recorder = new Recorder();
    feed(recorder, input, chunkSizes);
    return recorder.events;
  }

  /** Feeds {@code input} to a decoder reporting to {@code listener}, in chunks of the given sizes (cycled). */
  static void feed(RequestDecoder.Listener listener, Buffer input, int... chunkSizes) {
    RecordParser parser = RecordParser.newFixed(1);
    RequestDecoder.attach(parser, MAX, listener);
    int pos = 0;
    for (int i = 0; pos < input.length(); i++) {
      int size = Math.min(chunkSizes[i % chunkSizes.length], input.length() - pos);
      parser.handle(input.getBuffer(pos, pos + size));
      pos += size;
    }
  }

  static Buffer mixedStream() {
    return Buffer.buffer()
      .appendBuffer(frame(1, "value\0with zero"))
      .appendBuffer(Buffer.buffer("CREATE Hello, World!  spaced\r\n"))
      .appendBuffer(frame(5, ""))
      .appendBuffer(Buffer.buffer("aggregate K1 K2@127.0.0.1:7002\n"))
      .appendBuffer(frame(0x42, "unknown but framed"))
      .appendBuffer(Buffer.buffer("FROB x\n"))
      .appendBuffer(frame(2, "K1\0K2\0"));
  }

  static final List<String> MIXED_EXPECTED = List.of(
    "BINARY CREATE " + hex(Buffer.buffer("value\0with zero")),
    "TEXT CREATE " + hex(Buffer.buffer("Hello, World!  spaced")),
    "BINARY PING ",
    "TEXT AGGREGATE " + hex(Buffer.buffer("K1\0K2@127.0.0.1:7002")),
    "BINARY ?0x0042 " + hex(Buffer.buffer("unknown but framed")),
    "TEXT ?\"FROB\" " + hex(Buffer.buffer("x")),
    "BINARY REMOVE " + hex(Buffer.buffer("K1\0K2\0")));

  @Test
  void aFrameSplitAtEveryPointDecodesTheSame() {
    Buffer one = frame(1, "split me anywhere");
    List<String> whole = decode(one, one.length());
    assertEquals(List.of("BINARY CREATE " + hex(Buffer.buffer("split me anywhere"))), whole);
    for (int split = 1; split < one.length(); split++) {
      assertEquals(whole, decode(one, split, one.length()), "split at " + split);
    }
  }

  @Test
  void aPipelinedStreamDecodesTheSameInEveryChunkSize() {
    Buffer stream = mixedStream();
    for (int size = 1; size <= 2 * stream.length(); size++) {
      assertEquals(MIXED_EXPECTED, decode(stream, size), "chunks of " + size);
    }
  }

  @Test
  void aPipelinedStreamDecodesTheSameInRandomChunks() {
    Buffer stream = mixedStream();
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int[] sizes = new int[16];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = 1 + random.nextInt(40);
      }
      assertEquals(MIXED_EXPECTED, decode(stream, sizes), "round " + round);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x01, 0x7F, 0xFF, '1', '\n', '\r', ' '})
  void aFirstByteThatStartsNeitherFormIsFatalAndEndsDecoding(int first) {
    Buffer input = Buffer.buffer().appendByte((byte) first).appendBuffer(frame(5, "never decoded"));
    for (int size = 1; size <= input.length(); size++) {
      assertEquals(List.of("ERROR BAD_REQUEST BINARY fatal"), decode(input, size), "chunks of " + size);
    }
  }

  @Test
  void aHeaderAnnouncingMoreThanTheLimitIsTooLargeWithoutItsPayload() {
    Buffer header = Buffer.buffer().appendUnsignedShort(1).appendInt(MAX + 1);
    assertEquals(List.of("ERROR TOO_LARGE BINARY fatal"), decode(header, 1));
    Buffer huge = Buffer.buffer().appendUnsignedShort(1).appendUnsignedInt(0xFFFFFFFFL);
    assertEquals(List.of("ERROR TOO_LARGE BINARY fatal"), decode(huge, huge.length()));
  }

  @Test
  void aFrameOfExactlyTheLimitIsAccepted() {
    String payload = "x".repeat(MAX);
    assertEquals(List.of("BINARY CREATE " + hex(Buffer.buffer(payload))), decode(frame(1, payload), 100));
  }

  @Test
  void aLineLongerThanTheLimitIsTooLargeInTextForm() {
    Buffer line = Buffer.buffer("CREATE " + "y".repeat(MAX) + "\n");
    List<String> events = decode(line, 64);
    assertEquals(List.of("ERROR TOO_LARGE TEXT fatal"), events);
  }

  @Test
  void aLineWithoutItsNewlineIsNotYetARequest() {
    assertEquals(List.of(), decode(Buffer.buffer("PING waiting"), 3));
  }

  @Test
  void textCommandsAreCaseInsensitiveAndTheValueIsEverythingAfterTheFirstSpace() {
    Request r = TextCommands.parse(Buffer.buffer("cReAtE  two  spaces "));
    assertEquals(Opcode.CREATE, r.opcode());
    assertEquals(" two  spaces ", r.payload().toString());
    Request remove = TextCommands.parse(Buffer.buffer("REMOVE a  b"));
    assertEquals("a\0\0b", remove.payload().toString(), "empty segments are left for the REMOVE rules to ignore");
    assertNull(TextCommands.parse(Buffer.buffer("NOPE")).opcode());
    assertTrue(TextCommands.parse(Buffer.buffer("METADATA")).payload().length() == 0);
  }

  /** SPEC 1.5: single spaces separate text arguments; a 0x00 inside one must not split it into two targets. */
  @Test
  void aZeroByteInsideATextArgumentIsABadRequestNotASeparator() {
    List<String> events = decode(Buffer.buffer("AGGREGATE K@127.0.0.55\0:39815\nPING\n"), 3, 7);
    assertEquals(List.of("ERROR BAD_REQUEST TEXT", "TEXT PING "), events);
  }

  /** A frame the listener refuses from its header is answered and its payload skipped, in any split into reads. */
  @ParameterizedTest
  @ValueSource(ints = {1, 5, 100, 10_000, 100_000})
  void aRefusedFrameIsSkippedWithoutBeingHeldWhole(int chunk) {
    int refusedLength = 3 * RequestDecoder.SKIP_CHUNK + 17;
    Buffer input = Buffer.buffer()
      .appendBuffer(frame(1, "x".repeat(refusedLength)))
      .appendBuffer(frame(5, "after"));
    Recorder recorder = new Recorder() {
      @Override
      public ProtocolException admit(int opcode, long length) {
        return opcode == 1 ? new ProtocolException(Status.FORBIDDEN, Form.BINARY, false, "no") : null;
      }
    };
    RecordParser parser = RecordParser.newFixed(1);
    RequestDecoder decoder = RequestDecoder.attach(parser, 1 << 20, recorder);
    for (int pos = 0; pos < input.length(); pos += chunk) {
      parser.handle(input.getBuffer(pos, Math.min(pos + chunk, input.length())));
    }
    assertEquals(List.of("ERROR FORBIDDEN BINARY", "BINARY PING " + hex(Buffer.buffer("after"))), recorder.events);
    assertEquals(input.length(), decoder.consumed(), "every byte is accounted for");
  }
}
