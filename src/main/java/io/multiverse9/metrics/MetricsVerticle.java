package io.multiverse9.metrics;

import io.multiverse9.config.MetricsLimits;
import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.protocol.Address;
import io.multiverse9.storage.StorageClient;
import io.multiverse9.storage.StorageVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code metrics.addr}: {@code GET /metrics} in the Prometheus text format and {@code GET /health}
 * (200 when Redis answers and the listener is bound, else 503, with a JSON body saying which).
 *
 * <p>Whoever reaches the port holds what it costs within bounds (SPEC 1.6, {@link MetricsLimits}): at most
 * {@code metrics.max_connections} connections (past it a new one is closed at once), a request head of at most
 * {@link #MAX_HEADER_BYTES}, and {@code metrics.idle_timeout_s} both as the idle timeout (which also ends a head
 * trickled a byte at a time: the bytes of an unfinished head do not count as activity) and as the time a
 * connection has to send a whole request head after it opened or got its previous answer (a body trickled after
 * an answered head counts as activity, and would otherwise hold the connection for ever). One instance, so the
 * connection table is confined to its event loop.
 */
public final class MetricsVerticle extends VerticleBase {

  /** Request line and headers together; a scrape sends a few hundred bytes. */
  public static final int MAX_HEADER_BYTES = 8 * 1024;

  private final SettingsHolder settings;
  private final BooleanSupplier listening;
  /** Open connections, each with the timer that closes it unless a request head arrives first (or -1). */
  private final Map<HttpConnection, Long> headDeadlines = new IdentityHashMap<>();
  private long headTimeoutMs;
  private HttpServer server;
  private volatile Address bound;

  public MetricsVerticle(SettingsHolder settings, BooleanSupplier listening) {
    this.settings = settings;
    this.listening = listening;
  }

  @Override
  public Future<?> start() {
    Settings now = settings.get();
    MetricsLimits limits = now.metricsLimits();
    headTimeoutMs = TimeUnit.SECONDS.toMillis(limits.idleTimeoutS());
    StorageClient storage = new StorageClient(vertx, StorageVerticle.address(now), now.limits().storageTimeoutMs());
    server = vertx.createHttpServer(new HttpServerOptions()
        .setIdleTimeout(limits.idleTimeoutS()).setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxHeaderSize(MAX_HEADER_BYTES).setMaxInitialLineLength(MAX_HEADER_BYTES)
        // HTTP/1.1 only: what Prometheus and probes speak, and one request at a time per connection to bound
        .setHttp2ClearTextEnabled(false))
      .connectionHandler(connection -> admit(connection, limits.maxConnections()))
      .requestHandler(request -> {
        HttpConnection connection = request.connection();
        cancelDeadline(connection);
        request.response().endHandler(v -> armDeadline(connection));
        switch (request.path()) {
          case "/metrics" -> request.response()
            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(NodeMetrics.registry().scrape());
          case "/health" -> health(request, storage);
          default -> request.response().setStatusCode(404).end("try /metrics or /health\n");
        }
      });
    return server.listen(now.metricsAddr().port(), now.metricsAddr().host())
      .onSuccess(listening -> bound = new Address(now.metricsAddr().host(), listening.actualPort()));
  }

  /** Where the server listens, port 0 resolved; {@code null} before it does. */
  public Address boundAddress() {
    return bound;
  }

  private void admit(HttpConnection connection, int maxConnections) {
    if (headDeadlines.size() >= maxConnections) {
      connection.close();
      return;
    }
    headDeadlines.put(connection, -1L);
    connection.closeHandler(v -> cancelTimer(headDeadlines.remove(connection)));
    armDeadline(connection);
  }

  /** From now on the connection has the head timeout to send a whole request head. */
  private void armDeadline(HttpConnection connection) {
    if (headDeadlines.containsKey(connection)) {
      cancelDeadline(connection);
      headDeadlines.put(connection, vertx.setTimer(headTimeoutMs, id -> connection.close()));
    }
  }

  private void cancelDeadline(HttpConnection connection) {
    Long timer = headDeadlines.get(connection);
    if (timer != null && timer >= 0) {
      cancelTimer(timer);
      headDeadlines.put(connection, -1L);
    }
  }

  private void cancelTimer(Long timer) {
    if (timer != null && timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void health(HttpServerRequest request, StorageClient storage) {
    storage.ping().transform(ar -> Future.succeededFuture(ar.succeeded())).onSuccess(redis -> {
      boolean bound = listening.getAsBoolean();
      JsonObject body = new JsonObject()
        .put("status", redis && bound ? "UP" : "DOWN")
        .put("redis", redis ? "reachable" : "unreachable")
        .put("listener", bound ? "bound" : "not bound");
      request.response().setStatusCode(redis && bound ? 200 : 503)
        .putHeader("content-type", "application/json").end(body.encode());
    });
  }
}
