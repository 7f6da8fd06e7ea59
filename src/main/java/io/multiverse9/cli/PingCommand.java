package io.multiverse9.cli;

import io.multiverse9.client.Mv9Client;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "ping", description = {"Check that a node answers; print its echo and the round-trip time.",
  "Example: ./launcher.sh ping hello"})
final class PingCommand extends ClientCommand {

  @Parameters(arity = "0..1", paramLabel = "TEXT", defaultValue = "PONG", description = "What to echo (default: ${DEFAULT-VALUE})")
  String text;

  @Override
  Future<Integer> run(Mv9Client client) {
    long t0 = System.nanoTime();
    return client.ping(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))).map(echo -> {
      out.printf(java.util.Locale.ROOT, "%s (%.3f ms)%n", echo.toString(StandardCharsets.UTF_8),
        (System.nanoTime() - t0) / 1e6);
      return 0;
    });
  }
}
