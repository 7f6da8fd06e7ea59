package io.multiverse9.client;

/**
 * Where and how a {@link Mv9Client} connects.
 *
 * @param host the node's host
 * @param port the node's port
 * @param token sent with AUTH right after connecting, or {@code null}
 * @param connectTimeoutMs bound on connecting
 * @param requestTimeoutMs bound on each answer, 0 for none; a request past it fails UNAVAILABLE and closes the
 *                         connection (later answers could no longer be matched)
 * @param maxPending requests in flight on the connection before new ones fail fast
 * @param maxAnswerBytes the largest answer accepted: a larger one is refused from its header, before any of it is
 *                       read, and the connection closed. Reading an answer takes a few times its size in heap
 * @param tls TLS to the node, or {@code null} for plain TCP
 */
public record ClientOptions(String host, int port, String token, int connectTimeoutMs, long requestTimeoutMs,
                            int maxPending, long maxAnswerBytes, Tls tls) {

  /**
   * @param caPath PEM certificates that vouch for the node (the node's own certificate, if self-signed)
   * @param certPath a PEM client certificate for nodes that require one, or {@code null}
   * @param keyPath its PEM private key, or {@code null}
   */
  public record Tls(String caPath, String certPath, String keyPath) {
  }

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7001;
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_MAX_PENDING = 4096;
  /** The node's own default {@code limits.max_answer_bytes}: whatever a node with default settings answers fits. */
  public static final long DEFAULT_MAX_ANSWER_BYTES = 64L << 20;

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
