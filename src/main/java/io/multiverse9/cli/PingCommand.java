package io.multiverse9.cli;

import io.multiverse9.client.Mv9Client;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Round trips of PING on one open connection, as {@code redis-cli --latency} measures them: the connection and
 * the client's own start are not timed, only request to answer.
 */
@Command(name = "ping", description = {"Check that a node answers: print its echo and the round-trip times of "
  + "PINGs on one open connection (min/avg/max).", "Example: ./launcher.sh ping -c 10 hello"})
final class PingCommand extends ClientCommand {

  @Parameters(arity = "0..1", paramLabel = "TEXT", defaultValue = "PONG", description = "What to echo (default: ${DEFAULT-VALUE})")
  String text;

  @Option(names = {"-c", "--count"}, defaultValue = "4", paramLabel = "N",
    description = "How many PINGs to time, one after the other (default: ${DEFAULT-VALUE})")
  int count;

  @Override
  Future<Integer> run(Mv9Client client) {
    if (count < 1) {
      err.println("multiverse9: --count must be 1 or more");
      return Future.succeededFuture(USAGE);
    }
    Buffer payload = Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    long[] nanos = new long[count];
    Future<Buffer> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int sample = i;
      chain = chain.compose(previous -> {
        long t0 = System.nanoTime();
        return client.ping(payload).andThen(ar -> nanos[sample] = System.nanoTime() - t0);
      });
    }
    return chain.map(echo -> {
      long min = Long.MAX_VALUE;
      long max = 0;
      long sum = 0;
      for (long n : nanos) {
        min = Math.min(min, n);
        max = Math.max(max, n);
        sum += n;
      }
      out.printf(Locale.ROOT, "%s: %d round trip%s on one connection, min %.3f / avg %.3f / max %.3f ms%n",
        TerminalText.escape(echo.toString(StandardCharsets.UTF_8)), count, count == 1 ? "" : "s", min / 1e6, sum / 1e6 / count,
        max / 1e6);
      return 0;
    });
  }
}
