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
 */
public final class RequestDecoder {

  /** Receives what the decoder finds, in stream order, on the thread that feeds the parser. */
  public interface Listener {
    void onRequest(Request request);

    void onError(ProtocolException error);
  }

  private enum State { START, HEADER, PAYLOAD, TEXT, FAILED }

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

  private void onRecord(Buffer record) {
    if (state != State.TEXT && record.length() < expected) {
      // RecordParser hands out what it holds when its stream ends: the start of a request that never came whole
      return;
    }
    switch (state) {
      case START -> onFirstByte(record.getByte(0));
      case HEADER -> onHeader(record);
      case PAYLOAD -> {
        expectFirstByte();
        listener.onRequest(Request.binary(opcode, record));
      }
      case TEXT -> onLine(record);
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
      // a delimited record grows until its newline: bound it by the limit (the parser counts what it holds)
      parser.maxRecordSize(maxFrameBytes.getAsInt() + 65536);
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
    } else if (length == 0) {
      expectFirstByte();
      listener.onRequest(Request.binary(opcode, EMPTY));
    } else {
      state = State.PAYLOAD;
      fixed((int) length);
    }
  }

  private void onLine(Buffer rest) {
    int length = rest.length();
    if (length > 0 && rest.getByte(length - 1) == '\r') {
      length--;
    }
    if (length + 1 > maxFrameBytes.getAsInt()) {
      tooLongLine();
      return;
    }
    expectFirstByte();
    Buffer line = Buffer.buffer(length + 1).appendByte(firstLetter).appendBuffer(rest, 0, length);
    listener.onRequest(TextCommands.parse(line));
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
    fail(new ProtocolException(Status.TOO_LARGE, Form.TEXT, true,
      "the line is longer than the limit of " + maxFrameBytes.getAsInt() + " bytes (limits.max_frame_bytes)"));
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
