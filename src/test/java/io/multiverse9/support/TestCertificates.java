package io.multiverse9.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for a test with the JDK's keytool (present wherever Java is, unlike openssl), and
 * PEM certificates it signs: what a real TLS Redis and its clients are given. Blocking.
 */
public final class TestCertificates {

  /** The password of the key and trust stores made here ({@link #trustStore()}). */
  public static final String PASSWORD = "changeit";

  private final Path dir;
  private final Path caStore;
  private final Path caPem;

  /** A certificate with its private key, both PEM files. */
  public record Issued(Path cert, Path key) {
  }

  private TestCertificates(Path dir, Path caStore, Path caPem) {
    this.dir = dir;
    this.caStore = caStore;
    this.caPem = caPem;
  }

  /** Makes a CA in {@code dir}. */
  public static TestCertificates authority(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path store = dir.resolve("ca.p12");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=mv9 test CA",
      "-ext", "bc:c", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
      "-storepass", PASSWORD);
    Path pem = dir.resolve("ca.pem");
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-storepass", PASSWORD,
      "-file", pem.toString());
    return new TestCertificates(dir, store, pem);
  }

  /**
   * A self-signed certificate for {@code CN=name}, its own CA, as Vert.x's {@code SelfSignedCertificate} makes one
   * (RSA 2048, no extension). Netty makes those with keytool too, but on the JVM's default compilers: 2 to 4 s each
   * on two busy cores, against about 1 s here.
   */
  public static Issued selfSigned(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path store = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name,
      "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + "-key.pem");
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD.toCharArray());
      Files.writeString(cert, pem("CERTIFICATE", keys.getCertificate(name).getEncoded()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
    Files.writeString(key, pem("PRIVATE KEY", privateKey(store, name).getEncoded()));
    return new Issued(cert, key);
  }

  /** The CA's certificate, PEM: what clients of a server it signed are told to trust. */
  public Path ca() {
    return caPem;
  }

  /**
   * A PKCS#12 trust store holding this CA's certificate, password {@link #PASSWORD}: what a JVM is given with
   * {@code -Djavax.net.ssl.trustStore} to trust it as one of "the JVM's CAs". Made once.
   */
  public Path trustStore() throws IOException {
    Path store = dir.resolve("trust.p12");
    if (!Files.exists(store)) {
      keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD);
    }
    return store;
  }

  /**
   * A certificate signed by this CA for {@code name}.
   *
   * @param san the subjectAltName extension as keytool writes it, e.g. {@code ip:127.0.0.1,dns:localhost}
   */
  public Issued issue(String name, String san) throws IOException {
    Path store = dir.resolve(name + ".p12");
    Path request = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".pem");
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
      "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD,
      "-file", request.toString());
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASSWORD,
      "-infile", request.toString(), "-outfile", cert.toString(), "-ext", "SAN=" + san, "-validity", "2");
    Path key = dir.resolve(name + "-key.pem");
    Files.writeString(key, pem("PRIVATE KEY", privateKey(store, name).getEncoded()));
    return new Issued(cert, key);
  }

  private static PrivateKey privateKey(Path store, String alias) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD.toCharArray());
      return (PrivateKey) keys.getKey(alias, PASSWORD.toCharArray());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
      + "\n-----END " + label + "-----\n";
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // a JVM that lives for one key or signature: the C1 compiler alone and the serial collector start it in about
    // half the CPU time (33 runs over the suite)
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
