package io.multiverse9.config;

import java.net.InetAddress;

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

  /**
   * Whether {@code uri} reaches a Redis on this machine: {@code embedded}, a unix socket, or a {@code redis://} or
   * {@code rediss://} URI whose host is {@code localhost} or a literal loopback IP. A host name is never looked up
   * (settings are read without DNS, SPEC 3), so any other name counts as another machine.
   */
  public static boolean isOnThisMachine(String uri) {
    if (uri.equals(Settings.EMBEDDED) || uri.startsWith("unix://")) {
      return true;
    }
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return false;
    }
    String authority = uri.substring(scheme + 3);
    int path = authority.indexOf('/');
    if (path >= 0) {
      authority = authority.substring(0, path);
    }
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    String host;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      host = close < 0 ? hostPort : hostPort.substring(1, close);
    } else {
      int colon = hostPort.indexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    InetAddress ip = PeerEntry.literalIp(host);
    return ip != null && ip.isLoopbackAddress();
  }
}
