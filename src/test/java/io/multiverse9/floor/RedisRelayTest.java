package io.multiverse9.floor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.multiverse9.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The relay bench/floor.sh measures answers what Redis would, byte for byte, whatever the chunks its commands come
 * in: a floor measured on wrong or missing answers would be no floor (bench also counts error replies).
 */
@ExtendWith(VertxExtension.class)
class RedisRelayTest {

  private static int port;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    port = RedisRelay.start(vertx, 0, TestRedis.get().uri()).toCompletionStage().toCompletableFuture()
      .get(30, TimeUnit.SECONDS).actualPort();
  }

  @Test
  void answersSetNxMgetAndPingAsRedisDoes() throws IOException {
    String key = "relay:" + UUID.randomUUID();
    String missing = key + ":missing";
    String commands = resp("PING") + resp("SET", key, "v\r\n1", "NX") + resp("SET", key, "other", "NX")
      + resp("MGET", key, missing, key);
    String expected = "+PONG\r\n" + "+OK\r\n" + "$-1\r\n" + "*3\r\n$4\r\nv\r\n1\r\n$-1\r\n$4\r\nv\r\n1\r\n";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      byte[] bytes = commands.getBytes(StandardCharsets.ISO_8859_1);
      // byte by byte: every command, every length and every CRLF is cut somewhere
      for (byte b : bytes) {
        out.write(b);
        out.flush();
      }
      assertEquals(expected, read(socket.getInputStream(), expected.length()));
    }
  }

  @Test
  void anErrorReplyReachesTheClientAsAnError() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(resp("GET").getBytes(StandardCharsets.ISO_8859_1));
      String answer = read(socket.getInputStream(), 1);
      assertEquals("-", answer);
    }
  }

  private static String resp(String... words) {
    StringBuilder b = new StringBuilder("*").append(words.length).append("\r\n");
    for (String word : words) {
      b.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
    }
    return b.toString();
  }

  private static String read(InputStream in, int length) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < length) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      got.write(b);
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }
}
