package io.multiverse9.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The version of this software, from a resource Maven fills in at build time, so that it is known in the jar and
 * on a test classpath alike. It is what {@code --version} prints and what the {@code version} setting defaults to.
 */
public final class SoftwareVersion {

  private static final String VERSION = read();

  private SoftwareVersion() {
  }

  public static String get() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = SoftwareVersion.class.getResourceAsStream("/io/multiverse9/version.txt")) {
      if (in != null) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!text.isEmpty() && !text.startsWith("${")) {
          return text;
        }
      }
    } catch (IOException e) {
      // fall through to the manifest
    }
    String manifest = SoftwareVersion.class.getPackage().getImplementationVersion();
    return manifest == null ? "unknown" : manifest;
  }
}
