package io.multiverse9.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.protocol.FrameHeader;
import io.multiverse9.protocol.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands against a server that lies: a real socket in the test answers what a hostile or broken
 * node could, and the real CLI runs in the test's JVM, or, where the heap matters, in a JVM of its own with the
 * launcher's heap (-Xmx1g) (issue 29).
 */
class HostileServerCommandsTest {

  static final String ESCAPES = "\u001b[2J\u001b]0;pwned\u0007\u009b31m";

  @TempDir
  Path dir;

  /** What the server does with each connection, given its streams; it has read the first request's bytes. */
  interface Behaviour {
    void answer(InputStream in, OutputStream out) throws IOException;
  }

  /** A server on a free port of 127.0.0.1 that treats each connection with {@code behaviour}, until closed. */
  static ServerSocket server(Behaviour behaviour) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          InputStream in = socket.getInputStream();
          in.readNBytes(FrameHeader.BYTES); // the request's header: which request it is does not matter here
          behaviour.answer(in, socket.getOutputStream());
        } catch (IOException closed) {
          // the client hung up (as it should, on a lie), or the test closed the server
        }
      }
    }, "hostile-server");
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }

  static byte[] header(Status status, long length) {
    byte[] header = new byte[FrameHeader.BYTES];
    header[0] = (byte) (status.code() >> 8);
    header[1] = (byte) status.code();
    for (int i = 0; i < 4; i++) {
      header[2 + i] = (byte) (length >> (24 - 8 * i));
    }
    return header;
  }

  /** Runs the CLI against {@code port} in the test's JVM. */
  CommandRun cli(int port, String... args) {
    return CommandRun.inThisJvm(new byte[0], withPort(port, args), StandardCharsets.UTF_8);
  }

  /** Runs the CLI against {@code port} as the launcher does, in a JVM of its own with the launcher's heap. */
  CommandRun launcherCli(int port, String... args) throws Exception {
    return CommandRun.inItsOwnJvm(dir, new byte[0], List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
      withPort(port, args), StandardCharsets.UTF_8);
  }

  private static List<String> withPort(int port, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-p", Integer.toString(port)));
    return all;
  }

  @Test
  void anAnswerOf900MibIsRefusedFromItsHeaderInOneLineNamingTheOption() throws Exception {
    // announces 900 MiB and sends it, as long as the client reads
    try (ServerSocket server = server((in, out) -> {
      out.write(header(Status.OK, 900L << 20));
      byte[] chunk = new byte[1 << 20];
      for (int i = 0; i < 900; i++) {
        out.write(chunk);
      }
    })) {
      CommandRun metadata = cli(server.getLocalPort(), "metadata");
      assertEquals(1, metadata.exit(), metadata.err());
      assertEquals(1, metadata.err().strip().lines().count(), "one line: " + metadata.err());
      assertTrue(metadata.err().contains("943718400 bytes") && metadata.err().contains("--max-answer-bytes"),
        metadata.err());
    }
  }

  @Test
  void theAnswerCapIsAClientOptionBoundedByTheHeap() throws Exception {
    byte[] echo = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);
    try (ServerSocket server = server((in, out) -> {
      while (true) {
        out.write(header(Status.OK, echo.length));
        out.write(echo);
        out.flush();
        in.readNBytes(FrameHeader.BYTES + 4); // the next PING: header and "PONG"
      }
    })) {
      CommandRun refused = cli(server.getLocalPort(), "ping", "-c", "1", "--max-answer-bytes", "99");
      assertEquals(1, refused.exit(), refused.err());
      assertTrue(refused.err().contains("100 bytes, more than 99") && refused.err().contains("--max-answer-bytes"),
        refused.err());
      CommandRun taken = cli(server.getLocalPort(), "ping", "-c", "1", "--max-answer-bytes", "100");
      assertEquals(0, taken.exit(), taken.err());
      // bounded by the heap the launcher gives the CLI (1 GiB: 89 MiB at most), not by the test JVM's
      CommandRun tooMuch = launcherCli(server.getLocalPort(), "ping", "--max-answer-bytes",
        Long.toString(900L << 20));
      assertEquals(2, tooMuch.exit(), tooMuch.err());
      assertTrue(tooMuch.err().contains("--max-answer-bytes") && tooMuch.err().contains("heap"), tooMuch.err());
      CommandRun help = cli(server.getLocalPort(), "aggregate", "--help");
      assertTrue(help.out().contains("--max-answer-bytes"), help.out());
    }
  }

  @Test
  void errorTextAndEchoesFromTheServerReachTheTerminalEscaped() throws Exception {
    byte[] message = ("no " + ESCAPES + " here").getBytes(StandardCharsets.UTF_8);
    try (ServerSocket server = server((in, out) -> {
      out.write(header(Status.INTERNAL, message.length));
      out.write(message);
      out.flush();
      in.transferTo(OutputStream.nullOutputStream()); // until the client hangs up
    })) {
      CommandRun failed = cli(server.getLocalPort(), "metadata");
      assertEquals(1, failed.exit(), failed.err());
      assertEscaped(failed.err());
      assertTrue(failed.err().contains("INTERNAL: no \\e[2J\\e]0;pwned\\u0007\\u009b31m here"), failed.err());
    }
    try (ServerSocket server = server((in, out) -> {
      out.write(header(Status.OK, message.length));
      out.write(message);
      out.flush();
      in.transferTo(OutputStream.nullOutputStream());
    })) {
      CommandRun pinged = cli(server.getLocalPort(), "ping", "-c", "1");
      assertEquals(0, pinged.exit(), pinged.err());
      assertEscaped(pinged.out());
      assertTrue(pinged.out().startsWith("no \\e[2J"), pinged.out());
      CommandRun created = cli(server.getLocalPort(), "create", "v");
      assertEscaped(created.out() + created.err());
    }
  }

  static void assertEscaped(String output) {
    for (char c : output.toCharArray()) {
      assertFalse(c < 0x20 && c != '\n' || c >= 0x7f && c < 0xa0,
        "a raw control character " + (int) c + " in: " + output);
    }
  }

  @Test
  void aServerThatNeverAnswersIsGivenUpOnNamingTheClientsOption() throws Exception {
    try (ServerSocket server = server((in, out) -> in.transferTo(OutputStream.nullOutputStream()))) {
      CommandRun silent = cli(server.getLocalPort(), "ping", "--timeout", "1");
      assertEquals(1, silent.exit(), silent.err());
      assertTrue(silent.err().contains("--timeout") && !silent.err().contains("limits."), silent.err());
    }
  }
}
