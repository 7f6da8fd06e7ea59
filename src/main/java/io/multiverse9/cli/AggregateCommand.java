package io.multiverse9.cli;

import io.multiverse9.client.Mv9Client;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.ResponseEncoder;
import io.multiverse9.protocol.Form;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "aggregate", description = {"Read values by key, here or on other nodes (KEY@host:port).",
  "One target prints its value raw; several, or --json, print one JSON line per target.",
  "Exit code 1 if any target is not FOUND.",
  "Example: ./launcher.sh aggregate 01JD7Q6W7C4X5S2Z3Y8K9M0N1P 01JD7Q6W7C4X5S2Z3Y8K9M0N1Q@127.0.0.3:7001"})
final class AggregateCommand extends ClientCommand {

  @Parameters(arity = "1..*", paramLabel = "TARGET", description = "KEY or KEY@host:port")
  List<String> targets;

  @Option(names = "--json", description = "One JSON line per target, even for one")
  boolean json;

  @Override
  Future<Integer> run(Mv9Client client) {
    return client.aggregate(targets).map(entries -> {
      boolean allFound = entries.stream().allMatch(e -> e.status() == EntryStatus.FOUND);
      if (entries.size() == 1 && !json) {
        AggregateEntry entry = entries.get(0);
        if (entry.status() == EntryStatus.FOUND) {
          out.write(entry.data().getBytes(), 0, entry.data().length());
          out.flush();
        } else {
          err.println("multiverse9: " + entry.status() + (entry.data().length() == 0 ? ""
            : ": " + TerminalText.escape(entry.data().toString(StandardCharsets.UTF_8))));
        }
      } else {
        // the same JSON as the node's text form, one entry per line
        String line = ResponseEncoder.encode(new Reply.Entries(entries), Form.TEXT).toString(StandardCharsets.UTF_8);
        new JsonObject(line).getJsonArray("entries").forEach(e -> out.println(((JsonObject) e).encode()));
      }
      return allFound ? 0 : FAILED;
    });
  }
}
