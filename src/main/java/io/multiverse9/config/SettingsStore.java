package io.multiverse9.config;

import io.vertx.config.spi.ConfigStore;
import io.vertx.config.spi.ConfigStoreFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A vertx-config store for a node's settings (SPEC 4.1): one JSON file, or a directory whose {@code *.json} files
 * are merged deeply in name order (later files override earlier ones). A file that does not parse fails the read
 * with a message naming it, so the node keeps its last good settings.
 */
public final class SettingsStore implements ConfigStore {

  /** The store type to use in {@code ConfigStoreOptions}; its config is {@code {"path": "..."}}. */
  public static final String TYPE = "mv9-settings";

  private final Vertx vertx;
  private final Path path;

  private SettingsStore(Vertx vertx, Path path) {
    this.vertx = vertx;
    this.path = path;
  }

  @Override
  public Future<Buffer> get() {
    return vertx.executeBlocking(() -> read(path).toBuffer(), false);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** Blocking: reads and merges the settings at {@code path}. */
  public static JsonObject read(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return parse(path);
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(path)) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
        .sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException("no *.json settings file in " + path);
    }
    JsonObject merged = new JsonObject();
    for (Path file : files) {
      merged.mergeIn(parse(file), true);
    }
    return merged;
  }

  private static JsonObject parse(Path file) throws IOException {
    try {
      return new JsonObject(Files.readString(file));
    } catch (DecodeException e) {
      throw new IOException(file + " is not a JSON object: " + e.getMessage().replaceAll("\\s+", " "));
    }
  }

  /** Registered in META-INF/services so that vertx-config finds the store by {@link #TYPE}. */
  public static final class Factory implements ConfigStoreFactory {

    @Override
    public String name() {
      return TYPE;
    }

    @Override
    public ConfigStore create(Vertx vertx, JsonObject configuration) {
      return new SettingsStore(vertx, Path.of(configuration.getString("path")));
    }
  }
}
