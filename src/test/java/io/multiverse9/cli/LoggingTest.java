package io.multiverse9.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The log line an operator reads: debug records are called DEBUG, not java.util.logging's FINE. */
class LoggingTest {

  @Test
  void debugRecordsAreLabelledDebug() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Logging.configure(true);
      Logger logger = Logger.getLogger("io.multiverse9.logging.test");
      logger.fine("a debug line");
      logger.warning("a warning line");
      for (Handler handler : Logger.getLogger("").getHandlers()) {
        handler.flush();
      }
    } finally {
      System.setErr(err);
      Logging.configure(false);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains(" DEBUG   io.multiverse9.logging.test: a debug line"), out);
    assertTrue(out.contains(" WARNING io.multiverse9.logging.test: a warning line"), out);
    assertTrue(!out.contains("FINE"), out);
  }
}
