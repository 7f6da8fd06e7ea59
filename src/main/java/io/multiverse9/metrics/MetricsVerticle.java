package io.multiverse9.metrics;

import io.multiverse9.config.Settings;
import io.multiverse9.node.SettingsHolder;
import io.multiverse9.storage.StorageClient;
import io.multiverse9.storage.StorageVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code metrics.addr}: {@code GET /metrics} in the Prometheus text format and {@code GET /health}
 * (200 when Redis answers and the listener is bound, else 503, with a JSON body saying which).
 */
public final class MetricsVerticle extends VerticleBase {

  private final SettingsHolder settings;
  private final BooleanSupplier listening;
  private HttpServer server;

  public MetricsVerticle(SettingsHolder settings, BooleanSupplier listening) {
    this.settings = settings;
    this.listening = listening;
  }

  @Override
  public Future<?> start() {
    Settings now = settings.get();
    StorageClient storage = new StorageClient(vertx, StorageVerticle.address(now), now.limits().storageTimeoutMs());
    server = vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/metrics" -> request.response()
          .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
          .end(NodeMetrics.registry().scrape());
        case "/health" -> health(request, storage);
        default -> request.response().setStatusCode(404).end("try /metrics or /health\n");
      }
    });
    return server.listen(now.metricsAddr().port(), now.metricsAddr().host());
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
