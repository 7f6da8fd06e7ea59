package io.multiverse9.config;

import java.util.List;

/**
 * How the node reaches Redis beyond one server ({@code redis.*} in the settings, our addition to SPEC 4):
 * {@code type} is {@code standalone} (the default: {@code redis_uri}), {@code cluster} (a Redis Cluster, found from
 * {@code endpoints}) or {@code sentinel} (the master named {@code master_name}, found through the sentinels in
 * {@code endpoints}). {@code tls} is what {@code rediss://} connections trust and show, or {@code null} for the JVM's
 * defaults.
 */
public record RedisTopology(String type, List<String> endpoints, String masterName, RedisTls tls) {

  public static final List<String> TYPES = List.of("standalone", "cluster", "sentinel");

  public static RedisTopology standalone() {
    return new RedisTopology("standalone", List.of(), "mymaster", null);
  }

  public boolean isCluster() {
    return type.equals("cluster");
  }
}
