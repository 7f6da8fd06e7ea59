package io.multiverse9.metrics;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's own memory: heap in use and, on Linux, the resident set (what the operating system charges us). */
public final class ProcessMemory {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {
  }

  /** {@code heap_used_bytes}, {@code heap_max_bytes} and, where /proc tells it, {@code rss_bytes}. */
  public static JsonObject snapshot() {
    Runtime runtime = Runtime.getRuntime();
    JsonObject memory = new JsonObject()
      .put("heap_used_bytes", runtime.totalMemory() - runtime.freeMemory())
      .put("heap_max_bytes", runtime.maxMemory());
    long rss = residentBytes();
    if (rss >= 0) {
      memory.put("rss_bytes", rss);
    }
    return memory;
  }

  /** The resident set size, or -1 where /proc/self/status is not there. */
  public static long residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      // no /proc: heap figures only
    }
    return -1;
  }
}
