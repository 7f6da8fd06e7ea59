package io.multiverse9.cli;

import io.multiverse9.client.Mv9Client;
import io.vertx.core.Future;
import picocli.CommandLine.Command;

@Command(name = "metadata", description = {"Print the node's metadata (name, version, address, peers...) as JSON.",
  "Example: ./launcher.sh metadata -h 127.0.0.3 -p 7001"})
final class MetadataCommand extends ClientCommand {

  @Override
  Future<Integer> run(Mv9Client client) {
    return client.metadata().map(json -> {
      out.println(json.encodePrettily());
      return 0;
    });
  }
}
