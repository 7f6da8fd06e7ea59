package io.multiverse9.cli;

import io.multiverse9.bench.LoadPlan;
import io.multiverse9.client.ClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options of {@code bench} as typed (a picocli mixin of {@link BenchCommand}), what is wrong with them, and
 * the {@link LoadPlan} they settle into once checked.
 */
final class BenchOptions {

  /** In the order of {@code -t}'s default, as the error that lists them says them. */
  static final List<String> OPERATIONS = List.of("ping", "create", "aggregate", "remove");

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit")
  boolean help;

  @Option(names = {"-h", "--host"}, defaultValue = ClientOptions.DEFAULT_HOST, description = "Node host (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = {"-p", "--port"}, description = "Node port (default: 7001; with --redis, 6379)")
  Integer port;

  @Option(names = "-c", defaultValue = "50", paramLabel = "CONNECTIONS", description = "Connections (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "-n", defaultValue = "100000", paramLabel = "REQUESTS", description = "Requests per operation (default: ${DEFAULT-VALUE})")
  long requests;

  @Option(names = "-P", defaultValue = "1", paramLabel = "DEPTH", description = "Requests in flight per connection (default: ${DEFAULT-VALUE})")
  int pipeline;

  @Option(names = "-d", defaultValue = "64", paramLabel = "BYTES", description = "Value size for create, payload for ping (default: ${DEFAULT-VALUE})")
  int valueSize;

  @Option(names = "-t", defaultValue = "ping,create,aggregate,remove", split = ",", paramLabel = "OPS",
    description = "Operations, in order (default: ${DEFAULT-VALUE})")
  List<String> operations;

  @Option(names = "--keys", defaultValue = "10", description = "Targets per aggregate (default: ${DEFAULT-VALUE})")
  int keysPerAggregate;

  @Option(names = "--remote", paramLabel = "HOST:PORT",
    description = "Peers of the node: aggregate targets are KEY@HOST:PORT for keys stored there (repeatable)")
  List<String> remotes = new ArrayList<>();

  @Option(names = "--token",
    description = "Sent with AUTH on every connection (also to --remote peers); with --redis, Redis's password")
  String token;

  @Option(names = "--rate", paramLabel = "PER_SECOND",
    description = "Pace the requests: this many per second over all connections, each request timed from when it "
      + "fell due, not from when it could be sent (-P caps the requests in flight per connection). "
      + "Without it each connection sends as soon as an answer makes room: a closed loop, as "
      + "redis-benchmark")
  Long rate;

  @Option(names = "--redis",
    description = "The server at -h/-p is Redis itself: measure what a node asks of Redis for each operation (ping: "
      + "PING; create: SET of a new key with NX; aggregate: MGET of --keys keys) with this same load "
      + "generator, as the baseline of a --rate run (bench/compare.sh -R does both)")
  boolean redis;

  @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
    description = "Run each operation for this long instead of -n requests (e.g. 90s, 10m, 1h), reporting "
      + "throughput and latency every --report-every, and the node's memory at the end: a soak run")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "TIME", converter = DurationConverter.class,
    description = "Before measuring each operation, run it for this long and discard what it measured (remove warms "
      + "up with ping, not to use up the keys it removes), so that the load generator's own JIT warm-up "
      + "is not counted as the node's latency (e.g. 5s; default: none)")
  Duration warmup;

  @Option(names = "--report-every", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
    description = "Reporting interval of a --duration run (default: ${DEFAULT-VALUE})")
  Duration reportEvery;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
    description = "Event-loop threads of the load generator (default: ${DEFAULT-VALUE}, like redis-benchmark, so "
      + "that on a shared machine it takes as little CPU from the node as it can)")
  int threads;

  @Option(names = "--cpu", paramLabel = "NAME=PID[,PID...]",
    description = "Also report the CPU time (user + system) these processes, and the bench itself, spent per request "
      + "during each measured run, read from /proc (Linux): on a machine whose cores they share, who spends them "
      + "(repeatable; e.g. --cpu node=1234 --cpu redis=1240)")
  List<String> cpu = new ArrayList<>();

  @Option(names = "--json", description = "Print each result as a JSON line instead of text")
  boolean json;

  /** What is wrong with the options, or {@code null} when bench can run them. */
  String invalid() {
    for (String op : operations) {
      if (!OPERATIONS.contains(op)) {
        return "unknown operation \"" + op + "\"; use " + String.join(",", OPERATIONS);
      }
    }
    if (connections < 1 || requests < 1 || pipeline < 1 || valueSize < 1 || keysPerAggregate < 1 || threads < 1) {
      return "-c, -n, -P, -d, --keys and --threads must be 1 or more";
    }
    if (duration != null && (duration.isZero() || reportEvery.isZero())) {
      return "--duration and --report-every must be longer than 0";
    }
    if (warmup != null && (warmup.isZero() || warmup.isNegative())) {
      return "--warmup must be longer than 0 (leave it out for no warm-up)";
    }
    if (rate != null && rate < 1) {
      return "--rate must be 1 or more requests per second (leave it out for no pacing)";
    }
    if (redis && (operations.contains("remove") || !remotes.isEmpty())) {
      return "--redis measures ping, create and aggregate of one Redis server; leave out -t remove and --remote";
    }
    return null;
  }

  /** The options, once checked, as the load to put on the server; the port defaults by the kind of server. */
  LoadPlan plan() {
    return new LoadPlan(host, port != null ? port : redis ? 6379 : 7001, connections, requests, pipeline,
      valueSize, List.copyOf(operations), keysPerAggregate, List.copyOf(remotes), token, rate, redis, duration,
      warmup, reportEvery);
  }

  /** {@code 90s}, {@code 10m}, {@code 1h}, {@code 500ms}, or plain seconds. */
  static final class DurationConverter implements ITypeConverter<Duration> {

    static String format(Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public Duration convert(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      try {
        if (t.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long amount = Long.parseLong(t.replaceAll("[smh]$", ""));
        return switch (t.charAt(t.length() - 1)) {
          case 'm' -> Duration.ofMinutes(amount);
          case 'h' -> Duration.ofHours(amount);
          default -> Duration.ofSeconds(amount);
        };
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw new TypeConversionException(
          "\"" + text + "\" is not a time; write it as 90s, 10m or 1h");
      }
    }
  }
}
