package io.multiverse9.config;

/**
 * The bounds of the metrics HTTP listener ({@code metrics.*}): whoever can reach {@code metrics.addr} can hold at
 * most this many connections, each for at most this long without a whole request.
 *
 * @param idleTimeoutS a connection that sends no complete request head this long after it opened or got its
 *   last answer, or that is idle this long, is closed
 * @param maxConnections open connections; past it new ones are closed at once
 */
public record MetricsLimits(int idleTimeoutS, int maxConnections) {

  /** Ten times a usual scrape interval of 15 s would be generous; a scrape itself takes milliseconds. */
  public static final int DEFAULT_IDLE_TIMEOUT_S = 30;
  /** A Prometheus, a probe or two and a person with curl need a handful. */
  public static final int DEFAULT_MAX_CONNECTIONS = 64;

  public static MetricsLimits defaults() {
    return new MetricsLimits(DEFAULT_IDLE_TIMEOUT_S, DEFAULT_MAX_CONNECTIONS);
  }
}
