package io.multiverse9.cli;

import com.github.f4b6a3.ulid.UlidCreator;
import io.multiverse9.config.SettingsException;
import io.multiverse9.config.SettingsParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a fresh settings file, as the original multiverse9's {@code setup} did (SPEC 5). */
@Command(name = "setup",
  description = {"Print a new settings file with a fresh node name.",
    "Example: ./launcher.sh setup --redis-uri=redis://127.0.0.1:6379 --addr 127.0.0.1:7002 > conf/settings-2.json"})
final class SetupCommand implements Callable<Integer> {

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit")
  boolean help;

  @Option(names = "--redis-uri", required = true, paramLabel = "URI",
    description = {"Redis to store values in:", "redis://[user:password@]host:port[/db],",
      "rediss://..., unix://..., or embedded"})
  String redisUri;

  @Option(names = "--addr", defaultValue = "127.0.0.1:7001", paramLabel = "HOST:PORT",
    description = "Address to listen on (default: ${DEFAULT-VALUE}); port 0 picks a free one")
  String addr;

  @Override
  public Integer call() {
    JsonObject settings = new JsonObject()
      .put("name", "multiverse9_" + UlidCreator.getMonotonicUlid())
      .put("redis_uri", redisUri)
      .put("version", Version.get())
      .put("perms", new JsonObject().put("open_metadata", false).put("open_interactions", false))
      .put("addr", addr)
      .put("nodes", new JsonArray());
    // refuse to print a file the node would refuse to start on; nothing on standard output then, so that
    // "setup ... > conf/x.json" leaves no half-made file to start a node on
    try {
      new SettingsParser(w -> { }).parse(settings);
    } catch (SettingsException e) {
      System.err.println("multiverse9: " + e.getMessage());
      return 2;
    }
    System.out.println(settings.encodePrettily());
    return 0;
  }
}
