package io.multiverse9.config;

import io.vertx.config.spi.ConfigStore;
import io.vertx.config.spi.ConfigStoreFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A vertx-config store for a node's settings (SPEC 4.1): one JSON file, or a directory whose {@code *.json} files
 * are merged deeply in name order (later files override earlier ones). A file that does not parse fails the read
 * with a message naming it, its line and column, and never its content (it may hold a token, SPEC 3); the node
 * keeps its last good settings.
 *
 * <p>Only regular files are read, at most {@link #MAX_FILE_BYTES} each: a FIFO would block the reader forever and
 * {@code /dev/zero} would fill the heap.
 */
public final class SettingsStore implements ConfigStore {

  /** The store type to use in {@code ConfigStoreOptions}; its config is {@code {"path": "..."}}. */
  public static final String TYPE = "mv9-settings";

  /** Largest settings file read: far above any real one (the seed's is 300 bytes), far below the heap. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final Path path;
  /** Digest of what the last failed read saw, so that a watcher can report each broken content once (SPEC 4.1). */
  private byte[] lastFailure;

  private SettingsStore(Vertx vertx, Path path) {
    this.vertx = vertx;
    this.path = path;
  }

  /**
   * Reads the settings; a failure is a {@link ReadFailure} saying whether the files are as they were at the last
   * failed read. Reads are ordered, so {@code lastFailure} is touched by one of them at a time.
   */
  @Override
  public Future<Buffer> get() {
    return vertx.executeBlocking(() -> {
      MessageDigest seen = sha256();
      try {
        Buffer settings = read(path, seen).toBuffer();
        lastFailure = null;
        return settings;
      } catch (IOException | SettingsException e) {
        seen.update(String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        byte[] failure = seen.digest();
        boolean unchanged = Arrays.equals(failure, lastFailure);
        lastFailure = failure;
        throw new ReadFailure(e.getMessage(), unchanged);
      }
    }, true);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * Blocking: reads and merges the settings at {@code path}.
   *
   * @throws SettingsException when a file is not a regular file, is too large, or is not a JSON object
   * @throws IOException when a file cannot be read
   */
  public static JsonObject read(Path path) throws IOException {
    return read(path, sha256());
  }

  private static JsonObject read(Path path, MessageDigest seen) throws IOException {
    if (!Files.isDirectory(path)) {
      return parse(path, seen);
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(path)) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
        .sorted().toList();
    } catch (AccessDeniedException e) {
      throw new IOException("cannot list settings directory " + path + ": permission denied; make it readable by "
        + "the user that runs the node");
    }
    if (files.isEmpty()) {
      throw new SettingsException("no *.json settings file in " + path);
    }
    JsonObject merged = new JsonObject();
    for (Path file : files) {
      merged.mergeIn(parse(file, seen), true);
    }
    return merged;
  }

  private static JsonObject parse(Path file, MessageDigest seen) throws IOException {
    byte[] bytes = readBounded(file, seen);
    seen.update(bytes);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new SettingsException("settings file " + file + " is not UTF-8 text; save it as UTF-8");
    }
    return SettingsJson.parseObject(text, file.toString());
  }

  private static byte[] readBounded(Path file, MessageDigest seen) throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        throw new SettingsException("settings file " + file + " is not a regular file (a pipe, device or socket?); "
          + "give a JSON file or a directory of them");
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
          // not the bytes (a MiB hashed at every scan) but what tells a new version of the file
          seen.update(ByteBuffer.allocate(16).putLong(attributes.size())
            .putLong(attributes.lastModifiedTime().toMillis()).array());
          throw new SettingsException("settings file " + file + " is larger than 1 MiB; a settings file is a "
            + "small JSON object: is it the right file?");
        }
        return bytes;
      }
    } catch (NoSuchFileException e) {
      throw new SettingsException("settings file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new IOException("cannot read settings file " + file + ": permission denied; make it readable by the "
        + "user that runs the node");
    } catch (FileSystemException e) {
      throw new IOException("cannot read settings file " + file + ": "
        + (e.getReason() != null ? e.getReason() : "the file system refused"));
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** A read that failed; {@link #unchanged()} when the files are as they were at the previous failed read. */
  public static final class ReadFailure extends Exception {

    private final boolean unchanged;

    ReadFailure(String message, boolean unchanged) {
      super(message, null, false, false);
      this.unchanged = unchanged;
    }

    /** The same files, the same failure: already reported. */
    public boolean unchanged() {
      return unchanged;
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
