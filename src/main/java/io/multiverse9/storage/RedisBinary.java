package io.multiverse9.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.core.ExecutableProvider;

/** Finds a redis-server to run: the one on PATH, else the one bundled with the project (embedded-redis). */
public final class RedisBinary {

  private RedisBinary() {
  }

  /** Blocking: may extract the bundled binary to a temporary directory. */
  public static Path locate() throws IOException {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return ExecutableProvider.newJarResourceProvider().get().toPath();
  }
}
