package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.util.function.IntSupplier;

/**
 * Splits a byte stream into requests (SPEC 1.1, 1.5 and 1.7). A pure state machine over a {@link RecordParser}: it
 * knows nothing about sockets, so it decodes the same whether the parser is fed by a socket or by a test, one byte
 * or many frames at a time.
 *
 * <p>The first byte of a request chooses its form: 0x00 starts a binary frame ({@link BinaryFrames}), an ASCII
 * letter a text line ({@link TextLines}), {@code *} a RESP array ({@link RespCommands}), and anything else is a
 * fatal BAD_REQUEST; each form reads the rest of its
 * request as a {@link FormDecoder} of its own. A frame announcing more than {@code maxFrameBytes} is a fatal TOO_LARGE
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

  private enum State { START, FORM, FAILED }

  /** A refused payload is read and dropped in pieces of at most this many bytes. */
  static final int SKIP_CHUNK = BinaryFrames.SKIP_CHUNK;

  private final RecordParser parser;
  private final IntSupplier maxFrameBytes;
  private final Listener listener;
  private final FormDecoder binary = new BinaryFrames(this);
  private final FormDecoder text = new TextLines(this);
  private final FormDecoder resp = new RespCommands(this);
  private State state = State.START;
  /** The form of the request being read, while {@link State#FORM}. */
  private FormDecoder form;
  private int expected = 1;
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
    // one read's worth of the next; a form that reads delimited records bounds them itself (delimited)
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
    boolean whole = record.length() >= expected || (state == State.FORM && form.takesShortRecords());
    if (!whole) {
      // RecordParser hands out what it holds when its stream ends: the start of a request that never came whole
      return;
    }
    consumed += record.length();
    switch (state) {
      case START -> onFirstByte(record.getByte(0));
      case FORM -> form.onRecord(record);
      case FAILED -> { }
    }
  }

  /** The one dispatch on the first byte: 0x00 a binary frame, an ASCII letter a text line, {@code *} a RESP array. */
  private void onFirstByte(byte b) {
    FormDecoder chosen = b == 0 ? binary : b == '*' ? resp
      : (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ? text : null;
    if (chosen == null) {
      fail(new ProtocolException(Status.BAD_REQUEST, Form.BINARY, true, String.format("a request starts with 0x00 "
        + "(binary frame), an ASCII letter (text line) or * (RESP array), not 0x%02X", b & 0xFF)));
      return;
    }
    state = State.FORM;
    form = chosen;
    form.begin(b);
  }

  private void onParserError(Throwable error) {
    if (state == State.FORM) {
      form.onOverflow();
    } else if (state != State.FAILED) {
      binary.onOverflow();
    }
  }

  // --- what a form asks of the decoder ---

  Listener listener() {
    return listener;
  }

  int maxFrameBytes() {
    return maxFrameBytes.getAsInt();
  }

  /** The request is done: the next byte starts another. */
  void expectFirstByte() {
    state = State.START;
    parser.maxRecordSize(Integer.MAX_VALUE - 1); // binary frames are bounded by their checked header
    fixed(1);
  }

  void fixed(int size) {
    expected = size;
    parser.fixedSizeMode(size);
  }

  /** Records up to {@code delimiter}, the parser holding no more than {@code maxHeld} while it looks for it. */
  void delimited(Buffer delimiter, int maxHeld) {
    parser.maxRecordSize(maxHeld);
    parser.delimitedMode(delimiter);
  }

  /** Bytes the parser consumed but did not hand out (a delimiter). */
  void consumedAlso(int bytes) {
    consumed += bytes;
  }

  /** The client said it is done (RESP's QUIT): nothing after it is decoded, as nothing after a fatal error is. */
  void stop() {
    state = State.FAILED;
    parser.pause();
  }

  /** A fatal error: it is answered, and nothing more is decoded. */
  void fail(ProtocolException error) {
    state = State.FAILED;
    parser.pause();
    listener.onError(error);
  }
}
