package io.multiverse9.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (set by Maven), for {@code --version}. */
final class Version implements IVersionProvider {

  static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"multiverse9 " + get()};
  }
}
