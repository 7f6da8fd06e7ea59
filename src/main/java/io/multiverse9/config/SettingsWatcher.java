package io.multiverse9.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Watches a settings file or directory with vertx-config (SPEC 4.1) and hands every changed, valid version to a
 * listener. A version that does not parse or validate is rejected with one log line, once for each content (not
 * at every scan); the listener never sees it, so the node keeps its last good settings. A file that keeps turning
 * bad (rewritten many times a second, alternating good and bad) is reported a few times, then once every
 * {@link #REPORT_INTERVAL_S} seconds with the count of rejections held back.
 */
public final class SettingsWatcher {

  private static final Logger LOG = Logger.getLogger(SettingsWatcher.class.getName());
  static final int REPORT_BURST = 5;
  static final int REPORT_INTERVAL_S = 10;

  private final ConfigRetriever retriever;
  private final Map<String, String> env;
  private final SettingsParser parser;
  private final WarningThrottle rejections = new WarningThrottle(REPORT_BURST, REPORT_INTERVAL_S, TimeUnit.SECONDS);

  private SettingsWatcher(ConfigRetriever retriever, Map<String, String> env) {
    this.retriever = retriever;
    this.env = env;
    this.parser = new SettingsParser(LOG::warning);
  }

  public static SettingsWatcher create(Vertx vertx, Path path, long scanPeriodMs, Map<String, String> env) {
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
      .setScanPeriod(scanPeriodMs)
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType(SettingsStore.TYPE)
        .setConfig(new JsonObject().put("path", path.toString()))));
    return new SettingsWatcher(retriever, env);
  }

  /** Calls {@code onChange} with each new valid version, on the context that called this. */
  public void listen(Consumer<Settings> onChange) {
    // a file that cannot be read fails every scan: reported when its content is new, not every config_scan_ms
    retriever.configStream().exceptionHandler(e -> {
      if (!(e instanceof SettingsStore.ReadFailure failure && failure.unchanged())) {
        reject(e.getMessage());
      }
    });
    // vertx-config calls this only when what it read differs from the last version it read
    retriever.listen(change -> {
      try {
        onChange.accept(parser.parse(EnvOverrides.apply(change.getNewConfiguration(), env)));
      } catch (SettingsException e) {
        reject(e.getMessage());
      }
    });
  }

  private void reject(String why) {
    String line = rejections.admit("settings rejected: " + why + "; keeping the last good settings");
    if (line != null) {
      LOG.warning(line);
    }
  }

  public Future<Void> close() {
    return retriever.close();
  }
}
