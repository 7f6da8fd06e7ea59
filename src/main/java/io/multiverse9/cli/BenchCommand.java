package io.multiverse9.cli;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Loads a node as redis-benchmark loads Redis (SPEC 6): {@code -c} connections, each keeping {@code -P}
 * requests in flight until {@code -n} requests are done, for each operation of {@code -t}; then one line per
 * operation with throughput and latency percentiles (HdrHistogram).
 */
@Command(name = "bench", sortOptions = false,
  description = {"Load a node like redis-benchmark loads Redis, and report throughput and latency.",
    "Example: ./launcher.sh bench -c 50 -n 100000 -P 16 -d 64 -t create,aggregate --keys 10"})
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit")
  boolean help;

  @Option(names = {"-h", "--host"}, defaultValue = ClientOptions.DEFAULT_HOST, description = "Node host (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = {"-p", "--port"}, defaultValue = "7001", description = "Node port (default: ${DEFAULT-VALUE})")
  int port;

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

  @Option(names = "--token", description = "Sent with AUTH on every connection (also to --remote peers)")
  String token;

  @Option(names = "--json", description = "Print each result as a JSON line instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Logging.configure(false);
    for (String op : operations) {
      if (!BenchRun.OPERATIONS.contains(op)) {
        System.err.println("bench: unknown operation \"" + op + "\"; use " + String.join(",", BenchRun.OPERATIONS));
        return 2;
      }
    }
    if (connections < 1 || requests < 1 || pipeline < 1 || valueSize < 1 || keysPerAggregate < 1) {
      System.err.println("bench: -c, -n, -P, -d and --keys must be 1 or more");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      ClientOptions options = new ClientOptions().withAddress(host, port).withToken(token);
      List<Mv9Client> clients = connectAll(vertx, options, connections);
      BenchRun run = new BenchRun(clients, pipeline, valueSize, keysPerAggregate, this::progress);
      if (operations.contains("aggregate")) {
        run.prepareAggregateTargets(vertx, remotes, token, operations.contains("create") ? 0 : 1000);
      }
      for (String op : operations) {
        BenchResult result = run.run(op, requests);
        System.err.print("\r\033[K");
        System.out.println(json ? result.toJson(connections, pipeline, valueSize, keysPerAggregate).encode()
          : result.toText(connections, pipeline, valueSize, keysPerAggregate));
      }
      Future.join(clients.stream().map(Mv9Client::close).toList()).await(10, TimeUnit.SECONDS);
      return 0;
    } catch (Exception e) {
      System.err.println("\nbench: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  static List<Mv9Client> connectAll(Vertx vertx, ClientOptions options, int count) throws Exception {
    List<Future<Mv9Client>> connecting = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      connecting.add(Mv9Client.connect(vertx, options));
    }
    Future.all(connecting).await(30, TimeUnit.SECONDS);
    return connecting.stream().map(Future::result).toList();
  }

  private void progress(String op, long done, long total, double rps) {
    System.err.printf(Locale.ROOT, "\r\033[K%s: %d/%d requests, %.0f requests per second", op, done, total, rps);
  }

  /** What one operation measured. */
  record BenchResult(String op, long requests, long errors, double seconds, double p50Ms, double p99Ms,
                     double p999Ms, double maxMs, String firstError) {

    double rps() {
      return requests / seconds;
    }

    String toText(int connections, int pipeline, int valueSize, int keys) {
      return String.format(Locale.ROOT,
        "%s: %.2f requests per second, p50=%.3f ms, p99=%.3f ms, p99.9=%.3f ms, max=%.3f ms"
          + " (%d requests, %d connections, pipeline %d, %d-byte values%s%s)",
        op.toUpperCase(Locale.ROOT), rps(), p50Ms, p99Ms, p999Ms, maxMs, requests, connections, pipeline,
        valueSize, op.equals("aggregate") ? ", " + keys + " keys each" : "",
        errors == 0 ? "" : ", " + errors + " errors, first: " + firstError);
    }

    JsonObject toJson(int connections, int pipeline, int valueSize, int keys) {
      return new JsonObject().put("op", op).put("requests", requests).put("errors", errors)
        .put("seconds", seconds).put("rps", rps())
        .put("p50_ms", p50Ms).put("p99_ms", p99Ms).put("p999_ms", p999Ms).put("max_ms", maxMs)
        .put("connections", connections).put("pipeline", pipeline).put("value_bytes", valueSize)
        .put("keys", op.equals("aggregate") ? keys : 1).put("first_error", firstError);
    }
  }

  static Buffer filler(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'x');
    return Buffer.buffer(bytes);
  }
}
