package io.multiverse9.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** One line per log record on standard error; {@code -d} or {@code MV9_LOG=debug} shows our debug records. */
final class Logging {

  /** The simple formatter's line, with java.util.logging's FINE and finer called DEBUG, as an operator says it. */
  private static final class LineFormatter extends SimpleFormatter {
    @Override
    public String format(LogRecord record) {
      if (record.getLevel().intValue() >= Level.INFO.intValue()) {
        return super.format(record);
      }
      LogRecord debug = new LogRecord(DEBUG, record.getMessage());
      debug.setInstant(record.getInstant());
      debug.setLoggerName(record.getLoggerName());
      debug.setSourceClassName(record.getSourceClassName());
      debug.setSourceMethodName(record.getSourceMethodName());
      debug.setParameters(record.getParameters());
      debug.setThrown(record.getThrown());
      return super.format(debug);
    }
  }

  private static final Level DEBUG = new Level("DEBUG", Level.FINE.intValue()) { };

  /** Held so that JUL keeps its level: SettingsWatcher reports scan failures in one line of its own. */
  private static final Logger CONFIG_SCANS = Logger.getLogger("io.vertx.config.impl.ConfigRetrieverImpl");
  /** Held likewise: Vert.x registers some gauges twice at start, which Micrometer reports as a warning. */
  private static final Logger METER_REGISTRY = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  private Logging() {
  }

  static void configure(boolean debug) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$-7s %3$s: %5$s%6$s%n");
    }
    boolean on = debug || "debug".equalsIgnoreCase(System.getenv("MV9_LOG"));
    if (System.getProperty("java.util.logging.config.file") != null) {
      return; // the operator configured logging
    }
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    ConsoleHandler console = new ConsoleHandler();
    console.setFormatter(new LineFormatter());
    console.setLevel(on ? Level.FINE : Level.INFO);
    root.addHandler(console);
    root.setLevel(Level.INFO);
    Logger.getLogger("io.multiverse9").setLevel(on ? Level.FINE : Level.INFO);
    CONFIG_SCANS.setLevel(Level.OFF);
    METER_REGISTRY.setLevel(Level.SEVERE);
  }
}
