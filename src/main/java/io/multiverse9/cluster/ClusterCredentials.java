package io.multiverse9.cluster;

import io.multiverse9.config.PemFiles;
import io.multiverse9.config.SettingsException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The cluster's credential, three PEM files: this member's certificate, its private key (PKCS#8, as openssl
 * genpkey writes it) and the CA certificates the cluster trusts. Named with {@code -Dmv9.cluster.cert},
 * {@code -Dmv9.cluster.key} and {@code -Dmv9.cluster.ca}; without them, a cluster on loopback uses the user's
 * private cluster certificate ({@link PrivateCertificate}), and a cluster on any other interface is refused: the
 * cluster's name is never the secret.
 */
public record ClusterCredentials(Path certificate, Path key, Path authorities) {

  public static final String CERT = "mv9.cluster.cert";
  public static final String KEY = "mv9.cluster.key";
  public static final String CA = "mv9.cluster.ca";
  public static final String INTERFACE = "mv9.cluster.interface";

  /**
   * The credential named by {@code properties} (a system property lookup), else the private one when the cluster
   * stays on loopback.
   *
   * @throws ClusterException in one line saying what to set
   */
  public static ClusterCredentials resolve(UnaryOperator<String> properties) {
    String cert = properties.apply(CERT);
    String key = properties.apply(KEY);
    String ca = properties.apply(CA);
    if (cert == null && key == null && ca == null) {
      String iface = properties.apply(INTERFACE);
      if (iface != null && !isLoopback(iface)) {
        throw new ClusterException("clustering on interface " + iface + " needs the cluster's certificate: set -D"
          + CERT + ", -D" + KEY + " and -D" + CA
          + " (PEM files; docs/OPERATIONS.md, A closed cluster across machines)");
      }
      return PrivateCertificate.ofThisUser(properties);
    }
    List<String> missing = new ArrayList<>();
    for (String[] named : new String[][] {{CERT, cert}, {KEY, key}, {CA, ca}}) {
      if (named[1] == null || named[1].isBlank()) {
        missing.add("-D" + named[0]);
      }
    }
    if (!missing.isEmpty()) {
      throw new ClusterException("the cluster's credential is incomplete: set " + String.join(" and ", missing));
    }
    return new ClusterCredentials(Path.of(cert), Path.of(key), Path.of(ca));
  }

  /** Whether a Hazelcast interface pattern ({@code 127.0.0.1}, {@code 10.0.0.*}) can only match this machine. */
  static boolean isLoopback(String pattern) {
    String p = pattern.trim().toLowerCase(java.util.Locale.ROOT);
    return p.startsWith("127.") || p.equals("localhost") || p.equals("::1") || p.equals("[::1]")
      || p.equals("0:0:0:0:0:0:0:1");
  }

  /** Reads the three files into the proof this member joins with; one line naming the file that is wrong. */
  JoinProof proof() {
    List<X509Certificate> own = certificates(certificate, CERT);
    List<X509Certificate> trusted = certificates(authorities, CA);
    return new JoinProof(own.get(0), privateKey(), trusted);
  }

  private static List<X509Certificate> certificates(Path file, String property) {
    try {
      return PemFiles.certificates(property, file.toString());
    } catch (SettingsException e) {
      throw new ClusterException(e.getMessage());
    }
  }

  private PrivateKey privateKey() {
    byte[] der;
    try {
      der = PemFiles.pkcs8Key(KEY, key.toString());
    } catch (SettingsException e) {
      // the content is never quoted: it is the secret
      throw new ClusterException(e.getMessage() + "; convert one with openssl pkcs8 -topk8 -nocrypt -in old.key -out "
        + key.getFileName());
    }
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new ClusterException(KEY + " " + key + ": not an RSA, EC or Ed25519 key");
  }
}
