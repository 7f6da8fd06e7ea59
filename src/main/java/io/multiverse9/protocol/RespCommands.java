package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The RESP form (SPEC 1.7): after the {@code *}, an array of bulk strings as every Redis client sends it,
 * {@code *<count>\r\n} then {@code $<length>\r\n<bytes>\r\n} per element, the first naming the command.
 *
 * <p>Every announced count and length is checked before anything is allocated: the whole request may hold at most
 * what {@link RequestDecoder.Listener#maxLineBytes} allows (a stranger's {@code max_stranger_frame_bytes}, else
 * {@code max_frame_bytes}), so a {@code *2147483647} or a {@code $999999999999} is a fatal TOO_LARGE from its header
 * alone, as a binary frame announcing too much is. Anything that is not RESP (a line without its CR LF, a missing
 * {@code $}, a bulk not followed by CR LF) is a fatal BAD_REQUEST: as for Redis, the stream cannot be trusted past it.
 *
 * <p>A command the connection may not send is refused from its name ({@link RequestDecoder.Listener#admit}): its
 * arguments are read a chunk at a time and dropped, never held, and it is answered in its turn. The commands Redis
 * clients send on connecting (HELLO, CLIENT SETNAME/SETINFO, SELECT 0, QUIT) are answered here, as
 * {@link Request#known} answers. Inline commands are not RESP: a line starting with a letter is the text form.
 */
final class RespCommands implements FormDecoder {

  private static final Buffer CRLF = Buffer.buffer("\r\n");
  /** The fewest bytes an element can take, {@code $0\r\n\r\n}: what an announced count is checked against. */
  private static final int MIN_ELEMENT_BYTES = 6;
  /** The longest command name kept to be looked up and quoted; a longer one is unknown and read past. */
  private static final int MAX_NAME_BYTES = 64;
  /** The longest count or length line: a sign and 19 digits. */
  private static final int MAX_NUMBER_DIGITS = 20;

  private enum State { COUNT, BULK_HEADER, BULK_DATA, SKIP, SKIP_END }

  /** What the request's name says it is. */
  private enum Kind { OPCODE, HELLO, CLIENT, SELECT, QUIT, UNKNOWN }

  private final RequestDecoder decoder;
  private State state;
  /** The most the request may add up to, and what it has so far (headers, lengths and CR LFs included). */
  private long maxBytes;
  private long bytes;
  private long elements;
  private long index;
  private long skipping;
  private Kind kind;
  private Opcode opcode;
  private String name;
  /** REMOVE's and AGGREGATE's arguments as the 0x00-separated payload of the binary form; {@code null} otherwise. */
  private Buffer joined;
  /** The first two arguments: what the other commands read (CREATE's value, AUTH's user and token...). */
  private Buffer firstArgument;
  private Buffer secondArgument;
  private int arguments;
  /** The non-fatal answer the request gets once it has been read past, or {@code null}. */
  private ProtocolException refusal;

  RespCommands(RequestDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public void begin(byte first) {
    maxBytes = decoder.listener().maxLineBytes(decoder.maxFrameBytes());
    bytes = 0; // the * is counted with its count
    kind = null;
    opcode = null;
    name = null;
    joined = null;
    firstArgument = null;
    secondArgument = null;
    arguments = 0;
    refusal = null;
    header(State.COUNT);
  }

  @Override
  public boolean takesShortRecords() {
    return state == State.COUNT || state == State.BULK_HEADER;
  }

  @Override
  public void onRecord(Buffer record) {
    switch (state) {
      case COUNT -> onCount(record);
      case BULK_HEADER -> onBulkHeader(record);
      case BULK_DATA -> onBulk(record);
      case SKIP -> skip(skipping - record.length());
      case SKIP_END -> {
        if (!endsInCrLf(record, 0)) {
          return;
        }
        next();
      }
    }
  }

  private void header(State next) {
    state = next;
    // the parser holds at most what the request may take and two reads' worth of what follows it (the read it came
    // in and one more that was on its way when the connection stopped reading); lengths are checked exactly
    decoder.delimited(CRLF, (int) Math.min(Integer.MAX_VALUE - 1, maxBytes + 2 * 65536));
  }

  private void onCount(Buffer line) {
    long count = number(line, "*");
    if (count == Long.MIN_VALUE) {
      return;
    }
    if (count < 1) {
      decoder.expectFirstByte();
      decoder.listener().onError(new ProtocolException(Status.BAD_REQUEST, Form.RESP, false, "a RESP request is an "
        + "array holding the command and its arguments, not *" + count));
      return;
    }
    if (count > (maxBytes - bytes) / MIN_ELEMENT_BYTES) {
      tooLarge("the array announces " + count + " elements, more than fit in");
      return;
    }
    elements = count;
    index = 0;
    header(State.BULK_HEADER);
  }

  private void onBulkHeader(Buffer line) {
    if (line.length() == 0 || line.getByte(0) != '$') {
      fatal("each element of a RESP request is a bulk string ($<length>\\r\\n<bytes>\\r\\n); inline commands are not "
        + "RESP (a line starting with a letter is the text form)");
      return;
    }
    long length = number(line.slice(1, line.length()), "$");
    if (length == Long.MIN_VALUE) {
      return;
    }
    if (length < 0) {
      fatal("a RESP request holds no nil bulk string ($" + length + ")");
      return;
    }
    boolean keep = index == 0 ? length <= MAX_NAME_BYTES : refusal == null && kind != Kind.UNKNOWN;
    // what is read past is not held: a refused command's arguments are bounded as a frame is, not as a stranger's
    long limit = keep ? maxBytes : Math.max(maxBytes, decoder.maxFrameBytes());
    if (length + 2 > limit - bytes) {
      tooLarge("element " + (index + 1) + " announces " + length + " bytes, more than the request may hold in");
      return;
    }
    bytes += length + 2;
    if (keep) {
      state = State.BULK_DATA;
      decoder.fixed((int) length + 2);
    } else {
      if (index == 0) {
        kind = Kind.UNKNOWN;
        name = "a name of " + length + " bytes";
      }
      skip(length);
    }
  }

  private void onBulk(Buffer record) {
    int length = record.length() - 2;
    if (!endsInCrLf(record, length)) {
      return;
    }
    Buffer element = record.slice(0, length);
    if (index == 0) {
      onName(element);
    } else {
      onArgument(element);
    }
    next();
  }

  /** The element was read: the next one, or the request is whole. */
  private void next() {
    index++;
    if (index < elements) {
      header(State.BULK_HEADER);
    } else {
      decoder.expectFirstByte();
      done();
    }
  }

  private void onName(Buffer element) {
    name = element.toString(StandardCharsets.ISO_8859_1);
    opcode = Opcode.forCommand(name);
    if (opcode != null) {
      kind = Kind.OPCODE;
      ProtocolException refused = decoder.listener().admit(opcode.code(), 0);
      if (refused != null) {
        refusal = new ProtocolException(refused.status(), Form.RESP, false, refused.getMessage());
      } else if (opcode == Opcode.REMOVE || opcode == Opcode.AGGREGATE) {
        joined = Buffer.buffer();
      }
      return;
    }
    kind = switch (name.toUpperCase(Locale.ROOT)) {
      case "HELLO" -> Kind.HELLO;
      case "CLIENT" -> Kind.CLIENT;
      case "SELECT" -> Kind.SELECT;
      case "QUIT" -> Kind.QUIT;
      default -> Kind.UNKNOWN;
    };
  }

  private void onArgument(Buffer argument) {
    arguments++;
    if (arguments == 1) {
      firstArgument = argument;
    } else if (arguments == 2) {
      secondArgument = argument;
    }
    if (joined == null) {
      return;
    }
    if (argument.length() == 0 || TextCommands.indexOf(argument, (byte) 0) >= 0) {
      refusal = new ProtocolException(Status.BAD_REQUEST, Form.RESP, false, opcode + " argument " + arguments
        + (argument.length() == 0 ? " is empty" : " holds a 0x00 byte") + ", which no key or target can; nothing "
        + "was done");
      joined = null;
      return;
    }
    if (joined.length() > 0) {
      joined.appendByte((byte) 0);
    }
    joined.appendBuffer(argument);
  }

  /** The request is whole: it goes to the listener, or its refusal does. */
  private void done() {
    if (refusal != null) {
      decoder.listener().onError(refusal);
      return;
    }
    switch (kind) {
      case OPCODE -> command();
      case HELLO -> {
        // HELLO 2 alone is agreed to, as Redis does: a client that fell back from RESP3 sends it and needs its map;
        // any other version, or options (AUTH, SETNAME: commands of their own here), is refused
        boolean two = arguments == 1 && firstArgument.toString(StandardCharsets.ISO_8859_1).equals("2");
        answer(two ? new Reply.Hello()
          : new Reply.Line("-NOPROTO this node speaks RESP2 only; carry on without HELLO"));
      }
      case CLIENT -> {
        String sub = firstArgument == null ? "" : firstArgument.toString(StandardCharsets.ISO_8859_1);
        boolean known = sub.equalsIgnoreCase("SETNAME") || sub.equalsIgnoreCase("SETINFO");
        answer(known ? new Reply.Line("+OK") : new Reply.Line("-ERR CLIENT " + Keys.quote(sub)
          + " is not supported; this node takes CLIENT SETNAME and CLIENT SETINFO (and ignores them)"));
      }
      case SELECT -> {
        boolean zero = arguments == 1 && firstArgument.toString(StandardCharsets.ISO_8859_1).equals("0");
        answer(zero ? new Reply.Line("+OK")
          : new Reply.Line("-ERR this node has one database, 0: SELECT 0 is the only SELECT it takes"));
      }
      case QUIT -> {
        // as Redis: what was sent after QUIT is not carried out
        decoder.stop();
        answer(new Reply.Goodbye());
      }
      case UNKNOWN -> decoder.listener().onRequest(Request.resp(null, name, Buffer.buffer(0)));
    }
  }

  /** One of the node's commands, with its arguments checked as the binary form's payload would be. */
  private void command() {
    String wrong = switch (opcode) {
      case CREATE -> arguments == 1 ? null : "CREATE takes one argument, the value";
      case PING -> arguments <= 1 ? null : "PING takes at most one argument, the bytes to echo";
      case AUTH -> arguments == 1 || arguments == 2 && "default".equals(firstArgument.toString(
        StandardCharsets.ISO_8859_1)) ? null : "AUTH takes the node's token, or the user default and the token";
      case METADATA -> arguments == 0 ? null : "METADATA takes no arguments";
      case REMOVE, AGGREGATE -> null;
    };
    if (wrong != null) {
      decoder.listener().onError(new ProtocolException(Status.BAD_REQUEST, Form.RESP, false, wrong
        + "; nothing was done"));
      return;
    }
    Buffer body = switch (opcode) {
      case CREATE, PING -> firstArgument;
      case AUTH -> arguments == 2 ? secondArgument : firstArgument;
      case REMOVE, AGGREGATE -> joined;
      case METADATA -> null;
    };
    decoder.listener().onRequest(Request.resp(opcode, name, body == null ? Buffer.buffer(0) : body));
  }

  private void answer(Reply reply) {
    decoder.listener().onRequest(Request.answered(name, reply));
  }

  /** Reads and drops {@code remaining} bytes of an element not kept, a chunk at a time, then its CR LF. */
  private void skip(long remaining) {
    if (remaining == 0) {
      state = State.SKIP_END;
      decoder.fixed(2);
    } else {
      state = State.SKIP;
      skipping = remaining;
      decoder.fixed((int) Math.min(remaining, BinaryFrames.SKIP_CHUNK));
    }
  }

  /**
   * The number after a {@code *} or {@code $}, in decimal with an optional minus sign; {@code Long.MIN_VALUE} after a
   * fatal error for anything else.
   */
  private long number(Buffer digits, String after) {
    decoder.consumedAlso(2); // the CR LF, which the parser drops
    int length = digits.length();
    boolean negative = length > 0 && digits.getByte(0) == '-';
    long value = 0;
    boolean valid = length > (negative ? 1 : 0) && length <= MAX_NUMBER_DIGITS;
    for (int i = negative ? 1 : 0; valid && i < length; i++) {
      byte b = digits.getByte(i);
      valid = b >= '0' && b <= '9';
      // past what a long holds it is past every limit too: it saturates rather than wraps
      value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (b - '0');
    }
    if (!valid) {
      fatal("after " + after + " comes a decimal number ending in \\r\\n, not "
        + Keys.quote(digits.toString(StandardCharsets.ISO_8859_1)));
      return Long.MIN_VALUE;
    }
    bytes += 1 + length + 2;
    return negative ? -value : value;
  }

  private boolean endsInCrLf(Buffer record, int at) {
    if (record.getByte(at) != '\r' || record.getByte(at + 1) != '\n') {
      fatal("a bulk string of element " + (index + 1) + " is not followed by \\r\\n where its length says it ends");
      return false;
    }
    return true;
  }

  private void fatal(String message) {
    decoder.fail(new ProtocolException(Status.BAD_REQUEST, Form.RESP, true, "not RESP: " + message));
  }

  /** Names the connection's own limit: a stranger's even where a request read past was bounded by the frame's. */
  private void tooLarge(String what) {
    int max = decoder.maxFrameBytes();
    decoder.fail(new ProtocolException(Status.TOO_LARGE, Form.RESP, true, what + (maxBytes < max
      ? " the limit of " + maxBytes + " bytes for a connection that is not acknowledged "
        + "(limits.max_stranger_frame_bytes); send AUTH with the node's token first"
      : " the limit of " + max + " bytes (limits.max_frame_bytes)")));
  }

  @Override
  public void onOverflow() {
    tooLarge("the request is longer than");
  }
}
