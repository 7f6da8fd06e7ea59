package io.multiverse9.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.junit5.VertxExtension;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One connection to a real local server: the frames of one event-loop turn leave in one write, in order; a request
 * not answered in time closes the connection and fails everything on it, whatever its place in the queue.
 */
@ExtendWith(VertxExtension.class)
class FrameChannelTest {

  /** Frames the server answers (echoing each payload) before it stops answering, for good. */
  final AtomicInteger answers = new AtomicInteger(Integer.MAX_VALUE);
  final AtomicLong received = new AtomicLong();
  final Promise<Long> serverSawClose = Promise.promise();
  NetServer server;
  Context context;
  FrameChannel channel;

  @BeforeEach
  void start(Vertx vertx) {
    server = vertx.createNetServer().connectHandler(this::serve).listen(0, "127.0.0.1").await();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      on(() -> channel.close("the test is over"));
    }
    server.close().await();
  }

  private void serve(NetSocket socket) {
    socket.closeHandler(v -> serverSawClose.tryComplete(received.get()));
    RecordParser parser = RecordParser.newFixed(6);
    int[] length = {-1};
    parser.handler(record -> {
      if (length[0] < 0 && record.getUnsignedInt(2) > 0) {
        length[0] = (int) record.getUnsignedInt(2);
        parser.fixedSizeMode(length[0]);
        return;
      }
      Buffer payload = length[0] < 0 ? Buffer.buffer() : record;
      length[0] = -1;
      parser.fixedSizeMode(6);
      if (answers.getAndDecrement() > 0) {
        socket.write(Buffer.buffer().appendUnsignedShort(0).appendUnsignedInt(payload.length()).appendBuffer(payload));
      }
    });
    socket.handler(bytes -> {
      received.addAndGet(bytes.length());
      parser.handle(bytes);
    });
  }

  /** Runs {@code action} on the channel's context, as its owner must, and waits for what it gives. */
  private <T> T on(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future().await();
  }

  private FrameChannel connect(Vertx vertx, int maxPending) {
    return connect(vertx, server.actualPort(), maxPending, 1 << 20);
  }

  private FrameChannel connect(Vertx vertx, int port, int maxPending, long maxResponseBytes) {
    channel = on(() -> vertx.createNetClient().connect(port, "127.0.0.1")
      .map(socket -> new FrameChannel(vertx, socket, "the server", maxPending, maxResponseBytes,
        IllegalStateException::new)));
    return channel;
  }

  /**
   * A server of blocking sockets that reads {@code requests} frames, then writes {@code answer}'s bytes one write
   * per byte (TCP_NODELAY: each is its own segment, mostly its own read) up to {@code sendBytes}, then closes.
   */
  private static ServerSocket byteByByte(int requests, byte[] answer, int sendBytes) throws IOException {
    return inPieces(requests, answer, sendBytes, 1);
  }

  /** As {@link #byteByByte}, writing {@code piece} bytes at a time. */
  private static ServerSocket inPieces(int requests, byte[] answer, int sendBytes, int piece) throws IOException {
    ServerSocket raw = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread serving = new Thread(() -> {
      try (Socket s = raw.accept()) {
        s.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(s.getInputStream());
        for (int i = 0; i < requests; i++) {
          in.readUnsignedShort();
          in.readFully(new byte[in.readInt()]);
        }
        OutputStream out = s.getOutputStream();
        for (int i = 0; i < sendBytes; i += piece) {
          out.write(answer, i, Math.min(piece, sendBytes - i));
          out.flush();
        }
      } catch (IOException e) {
        // the channel closed first
      }
    }, "byte-by-byte-server");
    serving.setDaemon(true);
    serving.start();
    return raw;
  }

  private static byte[] answers(String... payloads) {
    Buffer out = Buffer.buffer();
    for (String payload : payloads) {
      out.appendUnsignedShort(0).appendUnsignedInt(payload.length()).appendString(payload);
    }
    return out.getBytes();
  }

  private static Buffer ping(String payload) {
    Buffer body = Buffer.buffer(payload);
    return Buffer.buffer().appendUnsignedShort(5).appendUnsignedInt(body.length()).appendBuffer(body);
  }

  private static String failure(Future<?> request) {
    return request.map(ok -> "answered").otherwise(Throwable::getMessage).await();
  }

  @Test
  void answersArrivingAByteAtATimeAreReadWholeAndInOrder(Vertx vertx) throws IOException {
    byte[] answers = answers("first", "", "third answer");
    try (ServerSocket raw = byteByByte(3, answers, answers.length)) {
      connect(vertx, raw.getLocalPort(), 64, 1 << 20);
      List<Future<FrameChannel.Response>> sent = on(() -> Future.succeededFuture(List.of(
        channel.send(ping("1"), 10_000), channel.send(ping("2"), 10_000), channel.send(ping("3"), 10_000))));
      assertEquals("first", sent.get(0).await().payload().toString());
      assertEquals("", sent.get(1).await().payload().toString());
      assertEquals("third answer", sent.get(2).await().payload().toString());
    }
  }

  /**
   * Pieces of 2 to 13 bytes split the six-byte headers at every place, and bring the end of one answer with the
   * start of the next: each header is read whether it comes whole in one read or gathered over several.
   */
  @Test
  void answersArrivingInPiecesOfAnySizeAreReadWholeAndInOrder(Vertx vertx) throws IOException {
    List<String> payloads = List.of("first", "", "third answer", "4", "", "sixth");
    byte[] answers = answers(payloads.toArray(String[]::new));
    for (int piece : new int[] {2, 3, 4, 5, 7, 9, 13}) {
      try (ServerSocket raw = inPieces(payloads.size(), answers, answers.length, piece)) {
        connect(vertx, raw.getLocalPort(), 64, 1 << 20);
        List<Future<FrameChannel.Response>> sent = on(() -> {
          List<Future<FrameChannel.Response>> requests = new ArrayList<>();
          for (int i = 0; i < payloads.size(); i++) {
            requests.add(channel.send(ping(Integer.toString(i)), 10_000));
          }
          return Future.succeededFuture(requests);
        });
        for (int i = 0; i < payloads.size(); i++) {
          assertEquals(payloads.get(i), sent.get(i).await().payload().toString(),
            "pieces of " + piece + ", answer " + i);
        }
        on(() -> channel.close("the next piece size"));
      }
    }
  }

  /** A partial frame at the end of the stream is no answer: it used to be handed on as one, cut short. */
  @Test
  void anAnswerCutShortByTheCloseFailsItsRequest(Vertx vertx) throws IOException {
    byte[] answer = answers("the whole answer");
    try (ServerSocket raw = byteByByte(1, answer, answer.length - 4)) {
      connect(vertx, raw.getLocalPort(), 64, 1 << 20);
      Future<FrameChannel.Response> cut = on(() -> Future.succeededFuture(channel.send(ping("1"), 10_000)));
      assertEquals("the connection to the server closed", failure(cut));
    }
  }

  @Test
  void anAnswerAnnouncedOverTheLimitIsRefusedUnreadAndFailsEveryRequestOnTheConnection(Vertx vertx) {
    connect(vertx, server.actualPort(), 64, 1000);
    Promise<Void> closed = Promise.promise();
    List<Future<FrameChannel.Response>> sent = on(() -> {
      channel.onClose(closed::complete);
      return Future.succeededFuture(List.of(channel.send(ping("x".repeat(1001)), 5_000),
        channel.send(ping("small"), 5_000)));
    });
    String why = "the server: announced an answer of 1001 bytes, more than 1000";
    assertEquals(why, failure(sent.get(0)));
    assertEquals(why, failure(sent.get(1)));
    closed.future().await();
    serverSawClose.future().await();
  }

  @Test
  void framesSentInOneTurnLeaveInOneWriteInOrder(Vertx vertx) {
    connect(vertx, 64);
    List<Future<FrameChannel.Response>> sent = on(() -> {
      List<Future<FrameChannel.Response>> requests = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        requests.add(channel.send(ping("request " + i), 5_000));
      }
      return Future.succeededFuture(requests);
    });
    for (int i = 0; i < sent.size(); i++) {
      assertEquals("request " + i, sent.get(i).await().payload().toString());
    }
    assertEquals(1, on(() -> Future.succeededFuture(channel.socketWrites())));
    on(() -> channel.send(ping("another turn"), 5_000)).payload();
    assertEquals(2, on(() -> Future.succeededFuture(channel.socketWrites())));
  }

  @Test
  void aFrameTooLargeToJoinIsWrittenAloneBetweenTheOthersInOrder(Vertx vertx) {
    connect(vertx, 64);
    String large = "x".repeat(TurnWriter.JOIN_LIMIT + 1);
    List<Future<FrameChannel.Response>> sent = on(() -> Future.succeededFuture(List.of(
      channel.send(ping("first"), 5_000), channel.send(ping(large), 5_000), channel.send(ping("last"), 5_000))));
    assertEquals("first", sent.get(0).await().payload().toString());
    assertEquals(large, sent.get(1).await().payload().toString());
    assertEquals("last", sent.get(2).await().payload().toString());
    assertEquals(3, on(() -> Future.succeededFuture(channel.socketWrites())));
  }

  @Test
  void anUnansweredRequestClosesTheConnectionAndFailsEveryRequestOnIt(Vertx vertx) {
    answers.set(0);
    connect(vertx, 64);
    AtomicInteger closes = new AtomicInteger();
    Promise<Void> closed = Promise.promise();
    List<Future<FrameChannel.Response>> sent = on(() -> {
      channel.onClose(() -> {
        closes.incrementAndGet();
        closed.complete();
      });
      return Future.succeededFuture(List.of(channel.send(ping("bounded"), 200), channel.send(ping("unbounded"), 0),
        channel.send(ping("later"), 60_000)));
    });
    for (Future<FrameChannel.Response> request : sent) {
      assertEquals("the server did not answer within 200 ms (limits.peer_timeout_ms)", failure(request));
    }
    closed.future().await();
    assertFalse(on(() -> Future.succeededFuture(channel.isOpen())));
    serverSawClose.future().await();
    assertEquals(1, on(() -> Future.succeededFuture(closes.get())));
  }

  @Test
  void aLaterRequestWithAShorterTimeoutTimesOutOnTime(Vertx vertx) throws Exception {
    answers.set(0);
    connect(vertx, 64);
    Future<FrameChannel.Response> patient = on(() -> Future.succeededFuture(channel.send(ping("patient"), 60_000)));
    Future<FrameChannel.Response> hasty = on(() -> Future.succeededFuture(channel.send(ping("hasty"), 200)));
    // bounded well below the patient request's minute: only the hasty one's deadline can end it
    String why = hasty.map(ok -> "answered").otherwise(Throwable::getMessage).await(20, TimeUnit.SECONDS);
    assertEquals("the server did not answer within 200 ms (limits.peer_timeout_ms)", why);
    assertEquals(why, failure(patient));
  }

  @Test
  void aRequestSentAfterTheOldestWasAnsweredStillTimesOut(Vertx vertx) {
    answers.set(1);
    connect(vertx, 64);
    assertEquals("answered", failure(on(() -> Future.succeededFuture(channel.send(ping("answered"), 300)))));
    Future<FrameChannel.Response> unanswered = on(() -> Future.succeededFuture(channel.send(ping("never"), 300)));
    assertEquals("the server did not answer within 300 ms (limits.peer_timeout_ms)", failure(unanswered));
    assertFalse(on(() -> Future.succeededFuture(channel.isOpen())));
  }

  @Test
  void requestsWithoutATimeoutWaitAsLongAsTheyMust(Vertx vertx) throws Exception {
    answers.set(1);
    connect(vertx, 64);
    Future<FrameChannel.Response> first = on(() -> Future.succeededFuture(channel.send(ping("quick"), 100)));
    Future<FrameChannel.Response> unbounded = on(() -> Future.succeededFuture(channel.send(ping("slow"), 0)));
    first.await();
    // the quick request's timer fires with only an unbounded request left: it must not close the connection
    Future<FrameChannel.Response> probe = on(() -> Future.succeededFuture(channel.send(ping("probe"), 400)));
    assertEquals("the server did not answer within 400 ms (limits.peer_timeout_ms)", failure(probe));
    assertEquals("the server did not answer within 400 ms (limits.peer_timeout_ms)", failure(unbounded));
  }

  @Test
  void closingInTheTurnOfTheSendsFailsThemAndWritesNothing(Vertx vertx) {
    connect(vertx, 64);
    List<Future<FrameChannel.Response>> sent = on(() -> {
      List<Future<FrameChannel.Response>> requests = List.of(channel.send(ping("one"), 5_000),
        channel.send(ping("two"), 0));
      channel.close("given up");
      return Future.succeededFuture(requests);
    });
    for (Future<FrameChannel.Response> request : sent) {
      assertEquals("given up", failure(request));
    }
    assertEquals(0, on(() -> Future.succeededFuture(channel.socketWrites())));
    assertEquals(0L, serverSawClose.future().await());
    assertEquals("the connection to the server closed",
      failure(on(() -> Future.succeededFuture(channel.send(ping("after"), 0)))));
  }

  @Test
  void requestsPastMaxPendingFailAtOnceAndTheOthersAreAnswered(Vertx vertx) {
    connect(vertx, 3);
    List<Future<FrameChannel.Response>> sent = on(() -> {
      List<Future<FrameChannel.Response>> requests = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        requests.add(channel.send(ping("request " + i), 5_000));
      }
      return Future.succeededFuture(requests);
    });
    assertTrue(sent.get(3).failed());
    assertEquals("the server has 3 requests waiting on this connection", sent.get(3).cause().getMessage());
    for (int i = 0; i < 3; i++) {
      assertEquals("request " + i, sent.get(i).await().payload().toString());
    }
  }
}
