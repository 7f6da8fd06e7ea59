package io.multiverse9.config;

/** Helpers for {@code redis_uri} values. */
public final class RedisUris {

  private RedisUris() {
  }

  /** {@code redis://user:secret@host:6379/0} becomes {@code redis://user:***@host:6379/0}. */
  public static String redact(String uri) {
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return uri;
    }
    int colon = uri.indexOf(':', scheme + 3);
    int secretStart = colon >= 0 && colon < at ? colon + 1 : scheme + 3;
    return uri.substring(0, secretStart) + "***" + uri.substring(at);
  }

  public static boolean isSupported(String uri) {
    return uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("unix://");
  }
}
