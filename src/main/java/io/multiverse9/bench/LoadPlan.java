package io.multiverse9.bench;

import java.time.Duration;
import java.util.List;

/**
 * The load one bench command puts on a server, settled once from its options (SPEC 6): where, how many
 * connections and requests in flight, which operations in order, and how each is measured.
 *
 * @param requests per operation; ignored when {@code duration} is set
 * @param remotes peers of the node ({@code HOST:PORT}) whose keys aggregate reads as {@code KEY@HOST:PORT}
 * @param token sent with AUTH on every connection; with {@code redis}, Redis's password
 * @param rate requests per second over all connections, or {@code null} for a closed loop
 * @param redis the server is Redis itself, measured as the baseline of what a node asks of it
 * @param duration how long each operation runs, or {@code null} to run {@code requests}
 * @param warmup how long each operation runs unmeasured first, or {@code null} for no warm-up
 */
public record LoadPlan(String host, int port, int connections, long requests, int pipeline, int valueSize,
                       List<String> operations, int keysPerAggregate, List<String> remotes, String token, Long rate,
                       boolean redis, Duration duration, Duration warmup, Duration reportEvery) {

  /** Keys made on each place before aggregate reads them, when the run did not create them itself. */
  public int keysToMakeForAggregate() {
    return Math.max(keysPerAggregate, 100);
  }

  /** Created keys are kept only when a later operation reads or removes them. */
  public boolean keepsCreatedKeys() {
    return operations.contains("remove") || (operations.contains("aggregate") && remotes.isEmpty());
  }

  /** The measured run of one operation: {@code requests}, or {@code duration}, at {@code rate} if set. */
  public LoadGenerator.Run measured() {
    return (duration == null ? LoadGenerator.Run.requests(requests) : LoadGenerator.Run.lasting(duration))
      .paced(pace());
  }

  /** The unmeasured run before it; only when {@code warmup} is set. */
  public LoadGenerator.Run warmUp() {
    return LoadGenerator.Run.lasting(warmup).paced(pace());
  }

  private double pace() {
    return rate == null ? 0 : rate;
  }
}
