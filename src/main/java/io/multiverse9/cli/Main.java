package io.multiverse9.cli;

import io.multiverse9.node.NodeApplication;
import io.vertx.launcher.application.VertxApplication;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The jar's entry point. Named commands ({@code run}, {@code setup}) are ours; anything else, such as
 * {@code -conf settings.json -instances 2}, goes to the Vert.x application launcher with
 * {@link io.multiverse9.node.NodeApplication} as the main verticle.
 */
@Command(name = "multiverse9", mixinStandardHelpOptions = true, versionProvider = Version.class,
  description = "A network of storage nodes on Eclipse Vert.x and Redis.",
  subcommands = {RunCommand.class, SetupCommand.class, CreateCommand.class, RemoveCommand.class,
    AggregateCommand.class, MetadataCommand.class, PingCommand.class, BenchCommand.class,
    CommandLine.HelpCommand.class})
public final class Main {

  private static final Set<String> COMMANDS = Set.of("run", "setup", "create", "remove", "aggregate", "metadata", "ping", "bench", "help", "-h", "--help", "-V", "--version");

  public static void main(String[] args) {
    Logging.configure(false);
    ClusterDefaults.apply();
    if (args.length > 0 && !COMMANDS.contains(args[0])) {
      // the launcher finds Main-Verticle only in a manifest whose Main-Class is its own; name it instead
      String[] launcherArgs = new String[args.length + 1];
      launcherArgs[0] = NodeApplication.class.getName();
      System.arraycopy(args, 0, launcherArgs, 1, args.length);
      int code = new VertxApplication(launcherArgs, new LauncherHooks()).launch();
      if (code != 0) {
        System.exit(code);
      }
      return; // the node runs on Vert.x threads until the JVM is stopped
    }
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
