package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * The text form (SPEC 1.5): a line that starts with an ASCII letter and ends with a newline (a carriage return
 * before it is dropped), parsed by {@link TextCommands}. A line longer than the listener allows
 * ({@link RequestDecoder.Listener#maxLineBytes}) is a fatal TOO_LARGE; the parser is bounded so that it never holds
 * much more than that while it looks for the newline.
 */
final class TextLines implements FormDecoder {

  private static final Buffer NEWLINE = Buffer.buffer("\n");

  private final RequestDecoder decoder;
  private byte firstLetter;
  private int maxLine;

  TextLines(RequestDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public void begin(byte first) {
    firstLetter = first;
    maxLine = decoder.listener().maxLineBytes(decoder.maxFrameBytes());
    // a delimited record grows until its newline: bound it by the limit (the parser counts all it holds, so allow
    // one read's worth of the requests after the line; onRecord checks the line itself exactly)
    decoder.delimited(NEWLINE, maxLine + 65536);
  }

  @Override
  public boolean takesShortRecords() {
    return true;
  }

  @Override
  public void onRecord(Buffer rest) {
    decoder.consumedAlso(1); // the newline, which the parser drops
    int length = rest.length();
    if (length > 0 && rest.getByte(length - 1) == '\r') {
      length--;
    }
    if (length + 1 > maxLine) {
      onOverflow();
      return;
    }
    decoder.expectFirstByte();
    Buffer line = Buffer.buffer(length + 1).appendByte(firstLetter).appendBuffer(rest, 0, length);
    Request request;
    try {
      request = TextCommands.parse(line);
    } catch (ProtocolException refused) {
      decoder.listener().onError(refused);
      return;
    }
    decoder.listener().onRequest(request);
  }

  @Override
  public void onOverflow() {
    int max = decoder.maxFrameBytes();
    decoder.fail(new ProtocolException(Status.TOO_LARGE, Form.TEXT, true, maxLine < max
      ? "the line is longer than the limit of " + maxLine + " bytes for a connection that is not acknowledged "
        + "(limits.max_stranger_frame_bytes); send AUTH with the node's token first"
      : "the line is longer than the limit of " + max + " bytes (limits.max_frame_bytes)"));
  }
}
