package io.multiverse9.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks at start that a PEM file named by a setting can be used, so that a CA or key that cannot work stops the
 * node in one line naming the field, rather than failing every connection that needs it later. What is accepted
 * is what Vert.x reads: {@code CERTIFICATE} blocks, and a {@code PRIVATE KEY}, {@code RSA PRIVATE KEY} or
 * {@code EC PRIVATE KEY} block (not an encrypted one).
 */
public final class PemFiles {

  /** Larger than any certificate bundle; a bound, so that a setting naming a huge file is not read whole. */
  private static final long MAX_BYTES = 1 << 20;
  private static final Pattern CERTIFICATE = Pattern.compile(
    "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]*)-----END CERTIFICATE-----");
  private static final Pattern KEY = Pattern.compile(
    "-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  private PemFiles() {
  }

  /**
   * The certificates in {@code path}; fails, naming {@code field}, unless it holds at least one PEM certificate and
   * only certificates that parse.
   */
  public static List<X509Certificate> certificates(String field, String path) {
    Matcher block = CERTIFICATE.matcher(read(field, path));
    List<X509Certificate> found = new ArrayList<>();
    while (block.find()) {
      try {
        found.add((X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(block.group(1)))));
      } catch (CertificateException | IllegalArgumentException e) {
        throw new SettingsException(field, path + ": certificate " + (found.size() + 1) + " does not parse: "
          + firstLine(e));
      }
    }
    if (found.isEmpty()) {
      throw new SettingsException(field, path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return found;
  }

  /**
   * The one unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}) in {@code path}, as DER; fails naming {@code field},
   * never showing the file's text.
   */
  public static byte[] pkcs8Key(String field, String path) {
    Matcher key = KEY.matcher(read(field, path));
    byte[] der = null;
    while (key.find()) {
      if (!key.group(1).equals("PRIVATE KEY") || der != null) {
        throw new SettingsException(field, path + " needs one PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
      }
      try {
        der = Base64.getMimeDecoder().decode(key.group(2));
      } catch (IllegalArgumentException e) {
        throw new SettingsException(field, path + " is not a valid PEM private key");
      }
    }
    if (der == null) {
      throw new SettingsException(field, path + " needs one PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
    }
    return der;
  }

  /** Fails unless {@code path} holds an unencrypted PEM private key. Never shows the file's text. */
  static void privateKey(String field, String path) {
    Matcher key = KEY.matcher(read(field, path));
    if (!key.find()) {
      throw new SettingsException(field, path + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    if (key.group(1).startsWith("ENCRYPTED")) {
      throw new SettingsException(field, path + " is encrypted; give the key unencrypted, readable only by the node");
    }
    try {
      Base64.getMimeDecoder().decode(key.group(2));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(field, path + " is not a valid PEM private key");
    }
  }

  private static String read(String field, String path) {
    Path file = Path.of(path);
    try {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new SettingsException(field, "cannot read " + path);
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new SettingsException(field, path + " is larger than " + MAX_BYTES + " bytes: not a PEM file");
      }
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new SettingsException(field, "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
