package io.multiverse9.cli;

import io.multiverse9.client.Mv9Client;
import io.vertx.core.Future;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove", description = {"Remove keys from the node; print how many existed.",
  "Example: ./launcher.sh remove 01JD7Q6W7C4X5S2Z3Y8K9M0N1P"})
final class RemoveCommand extends ClientCommand {

  @Parameters(arity = "1..*", paramLabel = "KEY", description = "Keys (ULIDs) stored on this node")
  List<String> keys;

  @Override
  Future<Integer> run(Mv9Client client) {
    return client.remove(keys).map(count -> {
      out.println(count);
      return 0;
    });
  }
}
