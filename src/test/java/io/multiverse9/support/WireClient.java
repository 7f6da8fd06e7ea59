package io.multiverse9.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately simple blocking client for tests: it writes raw bytes and reads frames or lines, so that tests
 * check the wire format byte for byte rather than through our own decoder. Every read is bounded by a timeout.
 */
public final class WireClient implements AutoCloseable {

  /** A binary response frame. */
  public record Frame(int status, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  public WireClient(String host, int port) throws IOException {
    this(host, port, null);
  }

  /** @param localHost the address to connect from, or {@code null} for any */
  public WireClient(String host, int port, String localHost) throws IOException {
    socket = new Socket();
    if (localHost != null) {
      socket.bind(new java.net.InetSocketAddress(localHost, 0));
    }
    socket.connect(new java.net.InetSocketAddress(host, port), 10_000);
    socket.setSoTimeout(15_000);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  public static byte[] frame(int opcode, byte[] payload) {
    return ByteBuffer.allocate(6 + payload.length).putShort((short) opcode).putInt(payload.length).put(payload)
      .array();
  }

  /**
   * {@code count} CREATE frames in one array, each value a copy of {@code padding} starting with
   * {@code "value CONNECTION/ROUND/i"}, so that every value of a load is told apart when it is read back.
   */
  public static byte[] numberedCreates(int connection, int round, int count, byte[] padding) {
    java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      byte[] value = padding.clone();
      byte[] id = ("value " + connection + "/" + round + "/" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      System.arraycopy(id, 0, value, 0, id.length);
      frames.writeBytes(frame(1, value));
    }
    return frames.toByteArray();
  }

  public static byte[] frame(int opcode, String payload) {
    return frame(opcode, payload.getBytes(StandardCharsets.UTF_8));
  }

  /** A RESP request as Redis clients send it: an array of bulk strings, each a String (UTF-8) or a byte[]. */
  public static byte[] resp(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + parts.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (Object part : parts) {
      byte[] bytes = part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8);
      out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(bytes);
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    return out.toByteArray();
  }

  /** A RESP error reply: {@code -STATUS message}. */
  public record RespError(String line) {
    public String status() {
      int space = line.indexOf(' ');
      return space < 0 ? line : line.substring(0, space);
    }
  }

  /**
   * One RESP2 answer, read byte for byte: a simple string as a String, an error as a {@link RespError}, an integer as
   * a Long, a bulk string as a byte[], a nil as {@code null}, an array as a List of these.
   */
  public Object readResp() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed before a RESP answer");
    }
    String line = readLine();
    if (!line.endsWith("\r")) {
      throw new IOException("a RESP line without its CR: " + (char) type + line);
    }
    line = line.substring(0, line.length() - 1);
    switch (type) {
      case '+':
        return line;
      case '-':
        return new RespError(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bulk = new byte[length];
        in.readFully(bulk);
        if (in.read() != '\r' || in.read() != '\n') {
          throw new IOException("a bulk string of " + length + " bytes not followed by CR LF");
        }
        return bulk;
      }
      case '*': {
        int count = Integer.parseInt(line);
        List<Object> elements = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          elements.add(readResp());
        }
        return elements;
      }
      default:
        throw new IOException("not a RESP answer: " + (char) type + line);
    }
  }

  /** A RESP answer that must be a bulk string: its bytes as UTF-8 text. */
  public String readRespBulk() throws IOException {
    Object answer = readResp();
    if (!(answer instanceof byte[] bulk)) {
      throw new AssertionError("expected a bulk string, got " + answer);
    }
    return new String(bulk, StandardCharsets.UTF_8);
  }

  public WireClient write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  public WireClient write(String text) throws IOException {
    return write(text.getBytes(StandardCharsets.UTF_8));
  }

  public Frame call(int opcode, byte[] payload) throws IOException {
    write(frame(opcode, payload));
    return readFrame();
  }

  public Frame call(int opcode, String payload) throws IOException {
    return call(opcode, payload.getBytes(StandardCharsets.UTF_8));
  }

  public Frame readFrame() throws IOException {
    int status = in.readUnsignedShort();
    int length = in.readInt();
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(status, payload);
  }

  /** AGGREGATE of one key, which must be FOUND: its value. */
  public byte[] foundValue(String key) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(call(3, key).payload());
    assertEquals(0, in.get(), "FOUND");
    in.position(in.position() + 2 + key.length());
    byte[] data = new byte[in.getInt()];
    in.get(data);
    return data;
  }

  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException("connection closed after " + line.size() + " bytes of a line");
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Shuts our write side, as {@code nc -N} does at the end of its input. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** Asserts that the node closes the connection (end of stream or reset) with nothing more to read. */
  public void assertClosedByPeer() throws IOException {
    try {
      int b = in.read();
      assertEquals(-1, b, "expected the node to close the connection, but it sent more bytes");
    } catch (SocketException reset) {
      // a reset is a close too
    } catch (SocketTimeoutException e) {
      fail("the node did not close the connection within " + socket.getSoTimeout() + " ms");
    }
  }

  public InputStream input() {
    return in;
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
