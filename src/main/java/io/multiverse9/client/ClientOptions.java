package io.multiverse9.client;

/**
 * Where and how a {@link Mv9Client} connects. Checked when made, as Vert.x's own options are: a value that cannot
 * work (a port out of range, a negative timeout, no host) throws {@link IllegalArgumentException} naming it, from
 * the constructor or the {@code with} method that was given it, rather than failing the connection later.
 *
 * @param host the node's host
 * @param port the node's port
 * @param token sent with AUTH right after connecting, or {@code null}
 * @param connectTimeoutMs bound on connecting, 0 for the system's own
 * @param requestTimeoutMs bound on each answer, 0 for none; a request past it fails UNAVAILABLE and closes the
 *                         connection (later answers could no longer be matched)
 * @param maxPending requests in flight on the connection before new ones fail fast, 1 or more
 * @param maxAnswerBytes the largest answer accepted, 1 or more: a larger one is refused from its header, before any of it is
 *                       read, and the connection closed. Reading an answer takes a few times its size in heap
 * @param tls TLS to the node, or {@code null} for plain TCP
 */
public record ClientOptions(String host, int port, String token, int connectTimeoutMs, long requestTimeoutMs,
                            int maxPending, long maxAnswerBytes, Tls tls) {

  /**
   * @param caPath PEM certificates that vouch for the node (the node's own certificate, if self-signed)
   * @param certPath a PEM client certificate for nodes that require one, or {@code null}
   * @param keyPath its PEM private key, or {@code null}; given exactly when {@code certPath} is
   */
  public record Tls(String caPath, String certPath, String keyPath) {

    public Tls {
      if (caPath == null) {
        throw new IllegalArgumentException("tls caPath must name the PEM certificates that vouch for the node "
          + "(its own certificate, if self-signed)");
      }
      if ((certPath == null) != (keyPath == null)) {
        throw new IllegalArgumentException("tls certPath and keyPath go together: give both (a client certificate "
          + "and its private key) or neither");
      }
    }
  }

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7001;
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_MAX_PENDING = 4096;
  /** The node's own default {@code limits.max_answer_bytes}: whatever a node with default settings answers fits. */
  public static final long DEFAULT_MAX_ANSWER_BYTES = 64L << 20;

  public ClientOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must be the node's host name or address, not "
        + (host == null ? "null" : "blank"));
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, not " + port);
    }
    if (connectTimeoutMs < 0) {
      throw new IllegalArgumentException("connectTimeoutMs must be 0 or more, not " + connectTimeoutMs);
    }
    if (requestTimeoutMs < 0) {
      throw new IllegalArgumentException("requestTimeoutMs must be 0 (no bound) or more, not " + requestTimeoutMs);
    }
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be 1 or more, not " + maxPending);
    }
    if (maxAnswerBytes < 1) {
      throw new IllegalArgumentException("maxAnswerBytes must be 1 or more, not " + maxAnswerBytes);
    }
  }

  /** Defaults: 127.0.0.1:7001, no token. */
  public ClientOptions() {
    this(DEFAULT_HOST, DEFAULT_PORT, null, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS,
      DEFAULT_MAX_PENDING, DEFAULT_MAX_ANSWER_BYTES, null);
  }

  public ClientOptions withAddress(String host, int port) {
    return new ClientOptions(host, port, token, connectTimeoutMs, requestTimeoutMs, maxPending, maxAnswerBytes, tls);
  }

  public ClientOptions withToken(String token) {
    return new ClientOptions(host, port, token, connectTimeoutMs, requestTimeoutMs, maxPending, maxAnswerBytes, tls);
  }

  public ClientOptions withRequestTimeoutMs(long timeoutMs) {
    return new ClientOptions(host, port, token, connectTimeoutMs, timeoutMs, maxPending, maxAnswerBytes, tls);
  }

  public ClientOptions withMaxAnswerBytes(long maxAnswerBytes) {
    return new ClientOptions(host, port, token, connectTimeoutMs, requestTimeoutMs, maxPending, maxAnswerBytes, tls);
  }

  public ClientOptions withTls(Tls tls) {
    return new ClientOptions(host, port, token, connectTimeoutMs, requestTimeoutMs, maxPending, maxAnswerBytes, tls);
  }

  @Override
  public String toString() {
    return host + ":" + port + (token == null ? "" : " (with token)");
  }
}
