package io.multiverse9.cli;

/**
 * Defaults for the placeholders of our cluster.xml: a cluster of this machine only, unless the operator says
 * otherwise with {@code -Dmv9.cluster.members=...} (multicast is never used).
 */
public final class ClusterDefaults {

  private ClusterDefaults() {
  }

  public static void apply() {
    setIfAbsent("mv9.cluster.name", "multiverse9");
    setIfAbsent("mv9.cluster.members", "127.0.0.1");
    setIfAbsent("mv9.cluster.interface", "127.0.0.1");
    setIfAbsent("mv9.cluster.port", "5701");
    setIfAbsent("hazelcast.logging.type", "jdk");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
