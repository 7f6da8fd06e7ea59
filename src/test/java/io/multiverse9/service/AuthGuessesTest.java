package io.multiverse9.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.TestNode;
import io.multiverse9.support.TestRedis;
import io.multiverse9.support.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** AUTH guesses are not free: a connection that sends a few wrong tokens may guess no more and is closed. */
@ExtendWith(VertxExtension.class)
class AuthGuessesTest {

  static final int OK = 0, FORBIDDEN = 3, AUTH = 6, CREATE = 1;
  static final String TOKEN = "the-right-token-4f1c";

  TestNode node;
  // held: java.util.logging keeps loggers only weakly
  final Logger ours = Logger.getLogger("io.multiverse9");
  final List<String> warnings = new ArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        synchronized (warnings) {
          warnings.add(record.getMessage());
        }
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void start(Vertx vertx) {
    ours.addHandler(capture);
    node = TestNode.start(vertx, TestNode.settings(TestRedis.get().uri())
      .put("trust_loopback", false)
      .put("auth", new JsonObject().put("token", TOKEN)));
  }

  @AfterEach
  void stop() {
    ours.removeHandler(capture);
    node.close();
  }

  @Test
  void aFewTyposAreForgiven() throws Exception {
    try (WireClient client = node.connect()) {
      for (int i = 1; i < RequestHandler.MAX_WRONG_TOKENS; i++) {
        assertEquals(FORBIDDEN, client.call(AUTH, "typo-" + i).status());
      }
      assertEquals(OK, client.call(AUTH, TOKEN).status(), "the right token after a few typos");
      assertEquals(OK, client.call(CREATE, "after typos").status());
    }
  }

  @Test
  void aConnectionPipeliningGuessesGetsAFewThenIsClosedAndTheRightTokenNoLongerHelps() throws Exception {
    int guesses = 1000;
    try (WireClient client = node.connect()) {
      client.socket().setSoTimeout(10_000);
      ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
      for (int i = 0; i < guesses; i++) {
        pipelined.write(WireClient.frame(AUTH, "guess-" + i));
      }
      pipelined.write(WireClient.frame(AUTH, TOKEN));
      pipelined.write(WireClient.frame(CREATE, "should never be stored"));
      client.write(pipelined.toByteArray());
      int answers = 0;
      List<String> messages = new ArrayList<>();
      try {
        while (true) {
          WireClient.Frame answer = client.readFrame();
          answers++;
          assertEquals(FORBIDDEN, answer.status(), "answer " + answers + ": " + answer.text());
          messages.add(answer.text());
        }
      } catch (EOFException | SocketException closed) {
        // the node closed the connection after answering what it had read
      }
      assertEquals("wrong token", messages.get(0));
      assertTrue(messages.get(RequestHandler.MAX_WRONG_TOKENS - 1).contains("too many wrong tokens"),
        messages.get(RequestHandler.MAX_WRONG_TOKENS - 1));
      assertTrue(answers < guesses + 2, "the connection was closed before all " + (guesses + 2)
        + " requests were answered: " + answers);
    }
    synchronized (warnings) {
      List<String> auth = warnings.stream().filter(w -> w.startsWith("auth:")).toList();
      assertEquals(1, auth.size(), warnings.toString());
      assertTrue(auth.get(0).contains("127.0.0.1"), auth.get(0));
      assertFalse(warnings.stream().anyMatch(w -> w.contains("guess-") || w.contains(TOKEN)), warnings.toString());
    }
  }
}
