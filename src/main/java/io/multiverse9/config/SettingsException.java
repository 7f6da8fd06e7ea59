package io.multiverse9.config;

/** A settings file that cannot be used. The message names the field and what is wrong, on one line (SPEC 4). */
public final class SettingsException extends RuntimeException {

  public SettingsException(String field, String problem) {
    super(field + ": " + problem, null, false, false);
  }

  public SettingsException(String message) {
    super(message, null, false, false);
  }
}
