package io.multiverse9.support;

import io.multiverse9.config.Settings;
import io.multiverse9.config.SettingsParser;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A Vert.x of {@link #LOOPS} event loops and a node's settings, for tests of where verticles land on them. The
 * settings name an unreachable Redis: the verticles under test connect on their first request, if ever.
 */
public abstract class SeveralLoops {

  protected static final int LOOPS = 3;
  protected Vertx vertx;
  protected Settings settings;

  @BeforeEach
  void startLoops() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(LOOPS));
    settings = new SettingsParser(warning -> { }).parse(TestNode.settings("redis://127.0.0.1:1"));
  }

  @AfterEach
  void stopLoops() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
