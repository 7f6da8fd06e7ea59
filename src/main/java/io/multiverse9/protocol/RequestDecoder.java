package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.util.function.IntSupplier;

/**
 * Splits a byte stream into requests (SPEC 1.1 and 1.5). A pure state machine over a {@link RecordParser}: it
 * knows nothing about sockets, so it decodes the same whether the parser is fed by a socket or by a test, one byte
 * or many frames at a time.
 *
 * <p>The first byte of a request chooses its form: 0x00 starts a binary frame, an ASCII letter a text line, and
 * anything else is a fatal BAD_REQUEST. A frame announcing more than {@code maxFrameBytes} is a fatal TOO_LARGE
 * raised from its header alone: none of its payload is read. After a fatal error the decoder emits nothing more.
 *
 * <p>Every frame header is shown to {@link Listener#admit} before its payload is read: a frame the listener refuses
 * is answered with the refusal and its payload skipped a chunk at a time, never held whole (SPEC 1.6). It also
 * counts the bytes it has taken out of the parser ({@link #consumed()}), so that its owner knows how many the parser
 * still holds.
 */
public final class RequestDecoder {

  /** Receives what the decoder finds, in stream order, on the thread that feeds the parser. */
  public interface Listener {
    void onRequest(Request request);

    void onError(ProtocolException error);

    /**
     * Called with each frame header that is within {@code maxFrameBytes}, before any of its payload is read.
     *
     * @return {@code null} to read the payload, or the (non-fatal) answer to give instead: the payload is skipped
     */
    default ProtocolException admit(int opcode, long length) {
      return null;
    }

    /**
     * The longest text line to hold before the line is refused TOO_LARGE, at most {@code maxFrameBytes}; called as
     * each line starts.
     */
    default int maxLineBytes(int maxFrameBytes) {
      return maxFrameBytes;
    }
  }

  private enum State { START, HEADER, PAYLOAD, SKIP, TEXT, FAILED }

  /** A refused payload is read and dropped in pieces of at most this many bytes. */
  static final int SKIP_CHUNK = 16 * 1024;

  private static final int HEADER_REST = 5; // the opcode's low byte and the u32 length
  private static final Buffer NEWLINE = Buffer.buffer("\n");
  private static final Buffer EMPTY = Buffer.buffer(0);

  private final RecordParser parser;
  private final IntSupplier maxFrameBytes;
  private final Listener listener;
  private State state = State.START;
  private int expected = 1;
  private int opcode;
  private byte firstLetter;
  private long skipping;
  private int maxLine;
  private long consumed;

  private RequestDecoder(RecordParser parser, IntSupplier maxFrameBytes, Listener listener) {
    this.parser = parser;
    this.maxFrameBytes = maxFrameBytes;
    this.listener = listener;
  }

  /** Takes over {@code parser}'s handlers and mode. */
  public static RequestDecoder attach(RecordParser parser, int maxFrameBytes, Listener listener) {
    return attach(parser, () -> maxFrameBytes, listener);
  }

  /**
   * Takes over {@code parser}'s handlers and mode, reading the frame limit anew for each request, so that a
   * changed limit applies to open connections too.
   */
  public static RequestDecoder attach(RecordParser parser, IntSupplier maxFrameBytes, Listener listener) {
    RequestDecoder decoder = new RequestDecoder(parser, maxFrameBytes, listener);
    // RecordParser checks this against everything it holds unparsed, in any mode: allow the largest frame plus
    // one read's worth of the next, and check text lines exactly ourselves.
    parser.maxRecordSize(Integer.MAX_VALUE - 1);
    parser.handler(decoder::onRecord);
    parser.exceptionHandler(decoder::onParserError);
    decoder.fixed(1);
    return decoder;
  }

  /** Bytes taken out of the parser so far: records handed out, refused payloads skipped, newlines. */
  public long consumed() {
    return consumed;
  }

  private void onRecord(Buffer record) {
    if (state != State.TEXT && record.length() < expected) {
      // RecordParser hands out what it holds when its stream ends: the start of a request that never came whole
      return;
    }
    consumed += record.length();
    switch (state) {
      case START -> onFirstByte(record.getByte(0));
      case HEADER -> onHeader(record);
      case PAYLOAD -> {
        expectFirstByte();
        listener.onRequest(Request.binary(opcode, record));
      }
      case SKIP -> skip(skipping - record.length());
      case TEXT -> {
        consumed++; // the newline, which the parser drops
        onLine(record);
      }
      case FAILED -> { }
    }
  }

  private void onFirstByte(byte b) {
    if (b == 0) {
      state = State.HEADER;
      fixed(HEADER_REST);
    } else if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')) {
      state = State.TEXT;
      firstLetter = b;
      maxLine = listener.maxLineBytes(maxFrameBytes.getAsInt());
      // a delimited record grows until its newline: bound it by the limit (the parser counts all it holds, so allow
      // one read's worth of the requests after the line; onLine checks the line itself exactly)
      parser.maxRecordSize(maxLine + 65536);
      parser.delimitedMode(NEWLINE);
    } else {
      fail(new ProtocolException(Status.BAD_REQUEST, Form.BINARY, true, String.format(
        "a request starts with 0x00 (binary frame) or an ASCII letter (text line), not 0x%02X", b & 0xFF)));
    }
  }

  private void onHeader(Buffer header) {
    opcode = header.getUnsignedByte(0);
    long length = header.getUnsignedInt(1);
    int max = maxFrameBytes.getAsInt();
    if (length > max) {
      fail(new ProtocolException(Status.TOO_LARGE, Form.BINARY, true, "the frame announces " + length
        + " bytes, more than the limit of " + max + " (limits.max_frame_bytes)"));
      return;
    }
    ProtocolException refused = listener.admit(opcode, length);
    if (refused != null) {
      listener.onError(refused);
      skip(length);
    } else if (length == 0) {
      expectFirstByte();
      listener.onRequest(Request.binary(opcode, EMPTY));
    } else {
      state = State.PAYLOAD;
      fixed((int) length);
    }
  }

  /** Reads and drops {@code remaining} bytes of a refused payload, a chunk at a time. */
  private void skip(long remaining) {
    if (remaining == 0) {
      expectFirstByte();
    } else {
      state = State.SKIP;
      skipping = remaining;
      fixed((int) Math.min(remaining, SKIP_CHUNK));
    }
  }

  private void onLine(Buffer rest) {
    int length = rest.length();
    if (length > 0 && rest.getByte(length - 1) == '\r') {
      length--;
    }
    if (length + 1 > maxLine) {
      tooLongLine();
      return;
    }
    expectFirstByte();
    Buffer line = Buffer.buffer(length + 1).appendByte(firstLetter).appendBuffer(rest, 0, length);
    Request request;
    try {
      request = TextCommands.parse(line);
    } catch (ProtocolException refused) {
      listener.onError(refused);
      return;
    }
    listener.onRequest(request);
  }

  private void onParserError(Throwable error) {
    if (state == State.TEXT) {
      tooLongLine();
    } else if (state != State.FAILED) {
      fail(new ProtocolException(Status.TOO_LARGE, Form.BINARY, true,
        "more unread input than the limit of " + maxFrameBytes.getAsInt() + " bytes (limits.max_frame_bytes) allows"));
    }
  }

  private void tooLongLine() {
    int max = maxFrameBytes.getAsInt();
    fail(new ProtocolException(Status.TOO_LARGE, Form.TEXT, true, maxLine < max
      ? "the line is longer than the limit of " + maxLine + " bytes for a connection that is not acknowledged "
        + "(limits.max_stranger_frame_bytes); send AUTH with the node's token first"
      : "the line is longer than the limit of " + max + " bytes (limits.max_frame_bytes)"));
  }

  private void expectFirstByte() {
    state = State.START;
    parser.maxRecordSize(Integer.MAX_VALUE - 1); // binary frames are bounded by their checked header
    fixed(1);
  }

  private void fixed(int size) {
    expected = size;
    parser.fixedSizeMode(size);
  }

  private void fail(ProtocolException error) {
    state = State.FAILED;
    parser.pause();
    listener.onError(error);
  }
}
