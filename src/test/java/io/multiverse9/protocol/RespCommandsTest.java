package io.multiverse9.protocol;

import static io.multiverse9.protocol.RequestDecoderTest.frame;
import static io.multiverse9.protocol.RequestDecoderTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The RESP form's decoder on its own, fed by hand (SPEC 1.7): every chunk size, every limit from its header. */
class RespCommandsTest {

  static final int MAX = RequestDecoderTest.MAX;
  static final int STRANGER_MAX = 100;

  /** What the decoder reported; {@code admitted} false refuses every CREATE as a closed node would a stranger's. */
  static final class Recorder implements RequestDecoder.Listener {
    final List<String> events = new ArrayList<>();
    boolean createAllowed = true;
    int maxLine = MAX;

    @Override
    public void onRequest(Request r) {
      String what = r.known() != null ? "KNOWN " + r.known()
        : r.form() + " " + (r.opcode() == null ? "?" + r.command() : r.opcode()) + " " + hex(r.payload());
      events.add(what);
    }

    @Override
    public void onError(ProtocolException e) {
      events.add("ERROR " + e.status() + " " + e.form() + (e.fatal() ? " fatal" : ""));
    }

    @Override
    public ProtocolException admit(int opcode, long length) {
      return opcode == Opcode.CREATE.code() && !createAllowed
        ? new ProtocolException(Status.FORBIDDEN, Form.BINARY, false, "no") : null;
    }

    @Override
    public int maxLineBytes(int maxFrameBytes) {
      return Math.min(maxLine, maxFrameBytes);
    }
  }

  static Buffer resp(String... parts) {
    Buffer out = Buffer.buffer("*" + parts.length + "\r\n");
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.ISO_8859_1);
      out.appendString("$" + bytes.length + "\r\n").appendBytes(bytes).appendString("\r\n");
    }
    return out;
  }

  static List<String> decode(Recorder recorder, Buffer input, int... chunkSizes) {
    RequestDecoderTest.feed(recorder, input, chunkSizes);
    return recorder.events;
  }

  static List<String> decode(Buffer input, int... chunkSizes) {
    return decode(new Recorder(), input, chunkSizes);
  }

  static Buffer mixedStream() {
    return Buffer.buffer()
      .appendBuffer(resp("CREATE", "value\0with zero\r\n"))
      .appendBuffer(frame(5, "bin"))
      .appendBuffer(resp("aggregate", "K1", "K2@127.0.0.1:7002"))
      .appendBuffer(Buffer.buffer("PING text\n"))
      .appendBuffer(resp("REMOVE", "K1"))
      .appendBuffer(resp("PING"))
      .appendBuffer(resp("ping", "echo me"))
      .appendBuffer(resp("AUTH", "token"))
      .appendBuffer(resp("AUTH", "default", "token2"))
      .appendBuffer(resp("METADATA"))
      .appendBuffer(resp("HELLO", "3"))
      .appendBuffer(resp("CLIENT", "SETINFO", "LIB-NAME", "x"))
      .appendBuffer(resp("client", "setname", "n"))
      .appendBuffer(resp("SELECT", "0"))
      .appendBuffer(resp("FLUSHALL"));
  }

  static final List<String> MIXED_EXPECTED = List.of(
    "RESP CREATE " + hex(Buffer.buffer("value\0with zero\r\n")),
    "BINARY PING " + hex(Buffer.buffer("bin")),
    "RESP AGGREGATE " + hex(Buffer.buffer("K1\0K2@127.0.0.1:7002")),
    "TEXT PING " + hex(Buffer.buffer("text")),
    "RESP REMOVE " + hex(Buffer.buffer("K1")),
    "RESP PING ",
    "RESP PING " + hex(Buffer.buffer("echo me")),
    "RESP AUTH " + hex(Buffer.buffer("token")),
    "RESP AUTH " + hex(Buffer.buffer("token2")),
    "RESP METADATA ",
    "KNOWN Line[line=-NOPROTO this node speaks RESP2 only; carry on without HELLO]",
    "KNOWN Line[line=+OK]",
    "KNOWN Line[line=+OK]",
    "KNOWN Line[line=+OK]",
    "RESP ?\"FLUSHALL\" ");

  @Test
  void aPipelinedStreamMixingTheThreeFormsDecodesTheSameInEveryChunkSize() {
    Buffer stream = mixedStream();
    assertEquals(MIXED_EXPECTED, decode(stream, stream.length()));
    for (int size = 1; size <= 64; size++) {
      assertEquals(MIXED_EXPECTED, decode(stream, size), "chunks of " + size);
    }
    Random random = new Random(11);
    for (int round = 0; round < 200; round++) {
      int[] sizes = random.ints(16, 1, 50).toArray();
      assertEquals(MIXED_EXPECTED, decode(stream, sizes), "round " + round);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"*2147483647\r\n", "*9223372036854775807\r\n", "*1\r\n$999999999999\r\n",
    "*2\r\n$6\r\nCREATE\r\n$1019\r\n", "*171\r\n"})
  void anAnnouncedCountOrLengthPastTheLimitIsTooLargeFromItsHeaderAlone(String header) {
    // no payload follows: the answer comes from the header, so nothing of the announced size was waited for
    assertEquals(List.of("ERROR TOO_LARGE RESP fatal"), decode(Buffer.buffer(header), 1));
    assertEquals(List.of("ERROR TOO_LARGE RESP fatal"), decode(Buffer.buffer(header), header.length()));
  }

  @Test
  void aRequestOfExactlyTheLimitIsAccepted() {
    // *3\r\n (4) $9\r\nAGGREGATE\r\n (15) $1\r\nK\r\n (7) $990\r\n (6) target (990) \r\n (2): MAX
    String target = "t".repeat(990);
    assertEquals(List.of("RESP AGGREGATE " + hex(Buffer.buffer("K\0" + target))),
      decode(resp("AGGREGATE", "K", target), 7));
    assertEquals(List.of("ERROR TOO_LARGE RESP fatal"), decode(resp("AGGREGATE", "K", target + "t"), 7));
  }

  @Test
  void aStrangerIsBoundedByItsOwnLimit() {
    Recorder stranger = new Recorder();
    stranger.maxLine = STRANGER_MAX;
    assertEquals(List.of("ERROR TOO_LARGE RESP fatal"), decode(stranger, resp("CREATE", "v".repeat(STRANGER_MAX)), 3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"*x\r\n", "*1\n$4\r\nPING\r\n", "*1\r\n+PING\r\n", "*1\r\n$4\r\nPINGxx", "*1\r\n$-1\r\n",
    "*1\r\n$4x\r\nPING\r\n", "*\r\n", "*1\r\n$\r\n", "*-\r\n", "*1\r\nPING\r\n", "*1\r\n$04\r\nPIN\r\n\r\n"})
  void whatIsNotRespIsAFatalBadRequestAndNothingAfterItIsDecoded(String input) {
    Buffer stream = Buffer.buffer(input).appendBuffer(resp("PING"));
    for (int size = 1; size <= stream.length(); size++) {
      List<String> events = decode(stream, size);
      assertEquals(1, events.size(), input + " in chunks of " + size + ": " + events);
      assertTrue(events.get(0).startsWith("ERROR") && events.get(0).endsWith("fatal"), events.toString());
    }
  }

  @Test
  void anEmptyOrNilArrayIsABadRequestAndTheConnectionGoesOn() {
    Buffer stream = Buffer.buffer("*0\r\n*-1\r\n").appendBuffer(resp("PING"));
    assertEquals(List.of("ERROR BAD_REQUEST RESP", "ERROR BAD_REQUEST RESP", "RESP PING "), decode(stream, 1));
  }

  @Test
  void aRefusedCommandIsAnsweredInItsTurnAndItsArgumentsAreReadPastNotHeld() {
    Recorder closed = new Recorder();
    closed.createAllowed = false;
    Buffer stream = resp("CREATE", "x".repeat(900)).appendBuffer(resp("PING", "after"));
    assertEquals(List.of("ERROR FORBIDDEN RESP", "RESP PING " + hex(Buffer.buffer("after"))),
      decode(closed, stream, 5));
  }

  @Test
  void aStrangersRefusedCommandIsReadPastUpToTheFrameLimitNotItsOwn() {
    // its arguments are not held, so they are bounded as a frame is: FORBIDDEN in its turn, not a fatal TOO_LARGE
    Recorder stranger = new Recorder();
    stranger.maxLine = STRANGER_MAX;
    stranger.createAllowed = false;
    Buffer stream = resp("CREATE", "x".repeat(3 * STRANGER_MAX)).appendBuffer(resp("PING"));
    assertEquals(List.of("ERROR FORBIDDEN RESP", "RESP PING "), decode(stranger, stream, 7));
  }

  @Test
  void wrongArgumentsAreABadRequestWithTheConnectionOpen() {
    Buffer stream = resp("CREATE").appendBuffer(resp("CREATE", "a", "b")).appendBuffer(resp("AUTH", "bob", "t"))
      .appendBuffer(resp("AUTH")).appendBuffer(resp("AUTH", "default", "t", "x")).appendBuffer(resp("PING", "a", "b")).appendBuffer(resp("AGGREGATE", "K1", ""))
      .appendBuffer(resp("REMOVE", "K\0K")).appendBuffer(resp("METADATA", "x")).appendBuffer(resp("PING"));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      expected.add("ERROR BAD_REQUEST RESP");
    }
    expected.add("RESP PING ");
    assertEquals(expected, decode(stream, 3));
  }

  @Test
  void connectionCommandsOutsideWhatClientsSendAreErrorsInTheirTurn() {
    Buffer stream = resp("SELECT", "1").appendBuffer(resp("CLIENT", "KILL", "x")).appendBuffer(resp("PING"));
    assertEquals(List.of(
      "KNOWN Line[line=-ERR this node has one database, 0: SELECT 0 is the only SELECT it takes]",
      "KNOWN Line[line=-ERR CLIENT \"KILL\" is not supported; this node takes CLIENT SETNAME and CLIENT SETINFO "
        + "(and ignores them)]",
      "RESP PING "), decode(stream, 2));
  }

  /**
   * A client that asks for RESP3 and falls back (Jedis's RedisClient) sends HELLO 2 after the -NOPROTO of its HELLO 3,
   * and gives up unless it gets the map: HELLO 2 alone is agreed to, as Redis does; with options it is not.
   */
  @Test
  void hello2AloneIsAgreedToAndEveryOtherHelloIsNoproto() {
    Buffer stream = resp("HELLO", "3").appendBuffer(resp("hello", "2")).appendBuffer(resp("HELLO"))
      .appendBuffer(resp("HELLO", "2", "AUTH", "default", "token")).appendBuffer(resp("PING"));
    String noproto = "KNOWN Line[line=-NOPROTO this node speaks RESP2 only; carry on without HELLO]";
    List<String> expected = List.of(noproto, "KNOWN Hello[]", noproto, noproto, "RESP PING ");
    for (int size = 1; size <= 16; size++) {
      assertEquals(expected, decode(stream, size), "chunks of " + size);
    }
  }

  @Test
  void aLongUnknownNameIsReadPastNotHeld() {
    Buffer stream = resp("N".repeat(500), "arg").appendBuffer(resp("PING"));
    assertEquals(List.of("RESP ?\"a name of 500 bytes\" ", "RESP PING "), decode(stream, 9));
  }

  @Test
  void nothingSentAfterQuitIsDecoded() {
    Buffer stream = resp("PING").appendBuffer(resp("QUIT")).appendBuffer(resp("CREATE", "never"));
    for (int size = 1; size <= stream.length(); size++) {
      assertEquals(List.of("RESP PING ", "KNOWN Goodbye[]"), decode(stream, size), "chunks of " + size);
    }
  }
}
