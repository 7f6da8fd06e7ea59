package io.multiverse9.support;

import io.multiverse9.storage.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * The Redis that integration tests run against, one per test JVM: Testcontainers' {@code redis:7} when a Docker
 * engine answers, otherwise a redis-server process (the one on PATH, else the binary bundled with the project).
 * Tests share it and keep apart by using a random key prefix each.
 */
public final class TestRedis {

  private static TestRedis instance;

  private final String uri;
  private final String description;
  private final AutoCloseable resource;

  private TestRedis(String uri, String description, AutoCloseable resource) {
    this.uri = uri;
    this.description = description;
    this.resource = resource;
  }

  public static synchronized TestRedis get() {
    if (instance == null) {
      instance = start();
      System.out.println("[TestRedis] using " + instance.description);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          instance.resource.close();
        } catch (Exception ignored) {
          // the JVM is going down
        }
      }));
    }
    return instance;
  }

  /** A vertx-redis-client connection string. */
  public String uri() {
    return uri;
  }

  public String description() {
    return description;
  }

  private static TestRedis start() {
    if (dockerAvailable()) {
      GenericContainer<?> redis = new GenericContainer<>("redis:7").withExposedPorts(6379);
      redis.start();
      return new TestRedis("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379),
        "Testcontainers redis:7", redis);
    }
    try {
      Path dir = Files.createTempDirectory("mv9-test-redis");
      RedisServerProcess process = RedisServerProcess.start(dir, false);
      AutoCloseable stopAndClean = () -> {
        process.close();
        try (var files = Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      };
      return new TestRedis(process.uri(), "redis-server process " + process.binary(), stopAndClean);
    } catch (Exception e) {
      throw new IllegalStateException("no Redis for the tests: no Docker engine and redis-server did not start", e);
    }
  }

  private static boolean dockerAvailable() {
    if ("false".equals(System.getenv("MV9_TEST_DOCKER"))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }
}
