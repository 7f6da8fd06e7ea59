package io.multiverse9.protocol;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Locale;

/**
 * A node address {@code host:port}, with IPv6 hosts written {@code [addr]:port} (SPEC 1.1). Hosts compare
 * case-insensitively; IPv6 hosts are kept without brackets, in their one canonical form (RFC 5952), so that
 * addresses compare as addresses: {@code [0:0:0:0:0:0:0:1]:7001} is {@code [::1]:7001} (SPEC 3).
 */
public record Address(String host, int port) {

  public Address {
    host = host.toLowerCase(Locale.ROOT);
    if (host.indexOf(':') >= 0) {
      InetAddress ip = NetUtil.createInetAddressFromIpAddressString(host);
      if (ip != null) {
        host = NetUtil.toAddressString(ip);
      }
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @param allowAnyPort whether port 0 ("any free port", SPEC 4) is accepted
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static Address parse(String text, boolean allowAnyPort) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port, got " + Keys.quote(text));
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || host.length() < 3) {
        throw new IllegalArgumentException("an IPv6 host is written [addr]:port, got " + Keys.quote(text));
      }
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":") || host.contains("]")) {
      throw new IllegalArgumentException("an IPv6 host is written [addr]:port, got " + Keys.quote(text));
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("the host is missing in " + Keys.quote(text));
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '@' || c == '/') {
        throw new IllegalArgumentException("the host is not a name or an IP address in " + Keys.quote(text));
      }
    }
    int port = parsePort(portText);
    if (port < (allowAnyPort ? 0 : 1)) {
      throw new IllegalArgumentException("the port must be 1-65535" + (allowAnyPort ? " or 0" : "")
        + ", got " + Keys.quote(text));
    }
    return new Address(host, port);
  }

  private static int parsePort(String text) {
    if (text.isEmpty() || text.length() > 5) {
      return -1;
    }
    int port = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65535 ? port : -1;
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
