package io.multiverse9.peer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer of a node under test, as a real listening socket in the test's JVM: it reads AGGREGATE frames of bare
 * keys and answers each as its {@link Answerer} says (AUTH is answered OK). It counts the connections the node
 * opened and those that ended, so that a test sees the node close them and keep none it no longer uses.
 */
final class FakePeer implements AutoCloseable {

  static final int OK = 0, FOUND = 0, AUTH = 6;

  /** Answers one AGGREGATE of {@code keys} on {@code out}; throws when the node closed the connection. */
  interface Answerer {
    void answer(List<String> keys, OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final Answerer answerer;
  final AtomicInteger opened = new AtomicInteger();
  final AtomicInteger ended = new AtomicInteger();
  final AtomicInteger asked = new AtomicInteger();

  FakePeer(String host, Answerer answerer) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getByName(host));
    this.answerer = answerer;
    Thread acceptor = new Thread(this::accept, "fake-peer-" + host);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String addr() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** Connections the node has open to this peer right now. */
  int open() {
    return opened.get() - ended.get();
  }

  private void accept() {
    try {
      while (true) {
        Socket s = server.accept();
        opened.incrementAndGet();
        Thread connection = new Thread(() -> serve(s), "fake-peer-connection");
        connection.setDaemon(true);
        connection.start();
      }
    } catch (IOException closed) {
      // the test is over
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        int opcode = in.readUnsignedShort();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        if (opcode == AUTH) {
          out.write(new byte[] {0, 0, 0, 0, 0, 0});
          continue;
        }
        asked.incrementAndGet();
        answerer.answer(List.of(new String(payload, StandardCharsets.ISO_8859_1).split("\0")), out);
        out.flush();
      }
    } catch (IOException | InterruptedException endedByTheNodeOrTheAnswerer) {
      // the node closed the connection (end of stream, reset, broken pipe), or the answerer closed it
    } finally {
      ended.incrementAndGet();
    }
  }

  /** The AGGREGATE answer frame (header and payload) with one FOUND entry per key, {@code data} each. */
  static byte[] found(List<String> keys, byte[] data) {
    ByteBuffer answer = ByteBuffer.allocate(6 + keys.size() * (7 + 26 + data.length));
    answer.putShort((short) OK).putInt(answer.capacity() - 6);
    for (String key : keys) {
      answer.put((byte) FOUND).putShort((short) key.length()).put(key.getBytes(StandardCharsets.ISO_8859_1))
        .putInt(data.length).put(data);
    }
    return answer.array();
  }

  /** Header of an OK answer of one FOUND entry for {@code key} whose data is {@code dataLength} bytes, to follow. */
  static byte[] oneEntryHeader(String key, long dataLength) {
    long payload = 3 + key.length() + 4 + dataLength;
    return ByteBuffer.allocate(6 + 3 + key.length() + 4).putShort((short) OK).putInt((int) payload)
      .put((byte) FOUND).putShort((short) key.length()).put(key.getBytes(StandardCharsets.ISO_8859_1))
      .putInt((int) dataLength).array();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
