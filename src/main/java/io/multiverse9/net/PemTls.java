package io.multiverse9.net;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * TLS options from PEM files, built here for every TLS connection a node or its tools make or accept: the
 * listener ({@link ServerTls}), the connections to peers, the client library, and a closed cluster's event bus.
 * One place, so that what a certificate path means, and which host names are checked, is decided once.
 */
public final class PemTls {

  private PemTls() {
  }

  /** What this side shows: a certificate (chain) and its private key. */
  public static PemKeyCertOptions identity(String certPath, String keyPath) {
    return new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath);
  }

  /** The CA certificates that vouch for the other side. */
  public static PemTrustOptions trust(String caPath) {
    return new PemTrustOptions().addCertPath(caPath);
  }

  /**
   * Makes {@code options} connect to a node over TLS.
   *
   * @param certPath a client certificate to show, for nodes that ask for one, or {@code null}
   * @param keyPath its private key, or {@code null} with {@code certPath}
   * @param caPath the network's own CA, or {@code null}. With it, every certificate it signed is trusted whatever
   *               host it names (nodes are often listed by IP): it vouches for belonging to the network. Without
   *               it, the JVM's CAs are trusted, and they vouch for names, not for belonging: anyone can get a
   *               certificate from them for a name of their own, so the node's certificate must then be valid for
   *               the host connected to.
   * @return {@code options}
   */
  public static NetClientOptions client(NetClientOptions options, String certPath, String keyPath, String caPath) {
    options.setSsl(true);
    if (certPath != null) {
      options.setKeyCertOptions(identity(certPath, keyPath));
    }
    if (caPath != null) {
      options.setHostnameVerificationAlgorithm("").setTrustOptions(trust(caPath));
    } else {
      options.setHostnameVerificationAlgorithm("HTTPS");
    }
    return options;
  }
}
