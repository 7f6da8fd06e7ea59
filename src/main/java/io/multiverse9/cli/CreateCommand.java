package io.multiverse9.cli;

import io.multiverse9.client.Mv9Client;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", description = {"Store a value and print its new key.",
  "The value is VALUE, the contents of -f FILE, or else standard input, byte for byte.",
  "Example: echo -n 'Hello' | ./launcher.sh create"})
final class CreateCommand extends ClientCommand {

  @Parameters(arity = "0..1", paramLabel = "VALUE", description = "The value (UTF-8)")
  String value;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the value from this file")
  Path file;

  private Buffer bytes;

  @Override
  Integer prepare() {
    try {
      bytes = value != null ? Buffer.buffer(value.getBytes(StandardCharsets.UTF_8))
        : Buffer.buffer(file != null ? Files.readAllBytes(file) : System.in.readAllBytes());
    } catch (IOException e) {
      err.println("multiverse9: cannot read the value" + (file == null ? " from standard input" : " from " + file)
        + ": " + IoErrors.describe(e));
      return USAGE;
    }
    if (bytes.length() == 0) {
      err.println("multiverse9: the value is empty; give VALUE, -f FILE or pipe something in");
      return USAGE;
    }
    return null;
  }

  @Override
  Future<Integer> run(Mv9Client client) {
    return client.create(bytes).map(key -> {
      out.println(TerminalText.escape(key));
      return 0;
    });
  }
}
