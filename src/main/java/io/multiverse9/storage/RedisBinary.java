package io.multiverse9.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.core.ExecutableProvider;

/** Finds a redis-server to run: the one on PATH, else the one bundled with the project (embedded-redis). */
public final class RedisBinary {

  private static Path extracted;

  private RedisBinary() {
  }

  /** Blocking: may extract the bundled binary to a temporary directory, once per JVM, removed at exit. */
  public static synchronized Path locate() throws IOException {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    if (extracted == null || !Files.isExecutable(extracted)) {
      File binary = ExecutableProvider.newJarResourceProvider().get();
      binary.getParentFile().deleteOnExit(); // registered first, so deleted after the file
      binary.deleteOnExit();
      extracted = binary.toPath();
    }
    return extracted;
  }
}
