package io.multiverse9.cli;

import io.multiverse9.config.SoftwareVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the project's version, as the build stamped it. */
final class Version implements IVersionProvider {

  static String get() {
    return SoftwareVersion.get();
  }

  @Override
  public String[] getVersion() {
    return new String[] {"multiverse9 " + get()};
  }
}
