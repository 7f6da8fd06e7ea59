package io.multiverse9.cli;

import io.multiverse9.cluster.ClosedCluster;
import io.multiverse9.cluster.ClusterException;
import io.multiverse9.config.NearMiss;
import io.multiverse9.app.NodeApplication;
import io.vertx.launcher.application.VertxApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The jar's entry point. Named commands ({@code run}, {@code setup}, ...) are ours; the Vert.x application
 * launcher's own options ({@code -conf settings.json -instances 2}) go to it, with
 * {@link io.multiverse9.app.NodeApplication} as the main verticle. Anything else is an unknown command: one line
 * saying so, the closest command, and ours, with exit code 2.
 */
@Command(name = "multiverse9", versionProvider = Version.class,
  description = "A network of storage nodes on Eclipse Vert.x and Redis.",
  footer = {"", "Client commands take -h HOST and -p PORT, as redis-cli does; --help shows a command's help."},
  subcommands = {RunCommand.class, SetupCommand.class, CreateCommand.class, RemoveCommand.class,
    AggregateCommand.class, MetadataCommand.class, PingCommand.class, BenchCommand.class,
    CommandLine.HelpCommand.class})
public final class Main {

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit")
  boolean version;

  static final List<String> COMMANDS = List.of("run", "setup", "create", "remove", "aggregate", "metadata", "ping",
    "bench", "help");
  private static final Set<String> OWN_OPTIONS = Set.of("--help", "-V", "--version");
  /** The options of the Vert.x application launcher (vertx-launcher-application 5), in both spellings. */
  private static final Set<String> LAUNCHER_OPTIONS = Set.of("-conf", "--conf", "-c", "-options", "--options",
    "-vertx-options", "--vertx-options", "-deployment-options", "--deployment-options", "-instances", "--instances",
    "-cluster", "--cluster", "-cluster-host", "--cluster-host", "-cluster-port", "--cluster-port",
    "-cluster-public-host", "--cluster-public-host", "-cluster-public-port", "--cluster-public-port", "-worker",
    "--worker", "-w", "-virtual-thread", "--virtual-thread", "-vt");

  public static void main(String[] args) {
    Logging.configure(false);
    ClusterDefaults.apply();
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
    // 0: a command is done, or the node runs on Vert.x threads until the JVM is stopped
  }

  /**
   * What {@link #main} does with {@code args}, up to its exit: the exit code, with standard input, output and error
   * as they are. Kept apart so that tests can run a client command in the test's JVM.
   */
  static int run(String[] args) {
    String first = args.length == 0 ? null : args[0];
    if (first != null && LAUNCHER_OPTIONS.contains(first.contains("=") ? first.substring(0, first.indexOf('=')) : first)) {
      // the launcher finds Main-Verticle only in a manifest whose Main-Class is its own; name it instead
      String[] launcherArgs = new String[args.length + 1];
      launcherArgs[0] = NodeApplication.class.getName();
      System.arraycopy(args, 0, launcherArgs, 1, args.length);
      ClosedCluster cluster = null;
      if (clustered(args)) {
        try {
          // joined before the launcher builds Vert.x, so that a refusal is one line and not a launcher stack trace
          cluster = ClosedCluster.join(System::getProperty);
        } catch (ClusterException e) {
          System.err.println("multiverse9: " + e.getMessage());
          return 2;
        }
      }
      return new VertxApplication(launcherArgs, new LauncherHooks(settingsFile(args), cluster)).launch();
    }
    if (first != null && !COMMANDS.contains(first) && !OWN_OPTIONS.contains(first)) {
      System.err.println("multiverse9: " + unknown(first));
      return 2;
    }
    CommandLine commandLine = new CommandLine(new Main())
      .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.AUTO))
      .setExecutionExceptionHandler((e, cl, parsed) -> {
        // a failure that escaped a command: one line, no class name, no stack trace
        System.err.println("multiverse9: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return 1;
      });
    return commandLine.execute(args);
  }

  /** What to say of a first argument that is neither a command of ours nor an option of the launcher's. */
  static String unknown(String first) {
    String commands = String.join(", ", COMMANDS);
    if (first.startsWith("-")) {
      String hint = Set.of("-s", "--settings", "-d", "--debug", "--threads").contains(first)
        ? "; did you mean ./launcher.sh run " + first + " ...?" : "";
      return "unknown option " + first + hint + " (commands: " + commands + "; --help lists them)";
    }
    String hint = NearMiss.of(first, Set.copyOf(COMMANDS)).map(c -> "; did you mean " + c + "?").orElse("");
    return "unknown command " + first + hint + " (commands: " + commands + "; --help lists them)";
  }

  /** Whether the launcher is asked to join a cluster. */
  static boolean clustered(String[] args) {
    for (String arg : args) {
      if (arg.equals("-cluster") || arg.equals("--cluster")) {
        return true;
      }
    }
    return false;
  }

  /** The value of the launcher's -conf when it names a file or directory (it may also be JSON itself). */
  static String settingsFile(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      for (String option : List.of("-conf", "--conf", "-c")) {
        if (arg.equals(option) && i + 1 < args.length) {
          value = args[i + 1];
        } else if (arg.startsWith(option + "=")) {
          value = arg.substring(option.length() + 1);
        }
      }
      if (value != null && !value.isBlank() && !value.trim().startsWith("{") && Files.exists(Path.of(value))) {
        return value;
      }
    }
    return null;
  }
}
