package io.multiverse9.config;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The settings in force, shared by every verticle of one node. Requests read it once when they start, so a
 * change applies to new requests without touching those in flight.
 */
public final class SettingsHolder {

  private final AtomicReference<Settings> current;

  public SettingsHolder(Settings initial) {
    this.current = new AtomicReference<>(initial);
  }

  public Settings get() {
    return current.get();
  }

  public void set(Settings settings) {
    current.set(settings);
  }
}
