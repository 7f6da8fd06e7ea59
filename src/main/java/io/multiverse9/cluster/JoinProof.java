package io.multiverse9.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What a member shows to be let into the cluster: its certificate, and its signature over the cluster's name and
 * the address it joins from, carried as two Hazelcast member attributes. The master checks that the certificate
 * was issued by one of the cluster's CA certificates (or is one of them, as the generated private certificate is)
 * and that the signature was made with that certificate's key: a process without the key cannot make one, and a
 * proof copied from another member names that member's address, not the copier's.
 *
 * <p>Member certificates are issued directly by a CA of the cluster (no intermediate); the CA's own extensions are
 * not checked, as the CA file is the operator's statement of whom the cluster trusts.
 */
public final class JoinProof {

  static final String CERTIFICATE = "mv9.cluster.certificate";
  static final String SIGNATURE = "mv9.cluster.signature";

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final List<X509Certificate> authorities;

  JoinProof(X509Certificate certificate, PrivateKey key, List<X509Certificate> authorities) {
    this.certificate = certificate;
    this.key = key;
    this.authorities = List.copyOf(authorities);
  }

  /** The attributes this member joins {@code clusterName} with from {@code address} ({@code host:port}). */
  Map<String, String> attributes(String clusterName, String address) {
    try {
      Signature signer = Signature.getInstance(algorithm(key.getAlgorithm()));
      signer.initSign(key);
      signer.update(signed(clusterName, address));
      Base64.Encoder base64 = Base64.getEncoder();
      return Map.of(CERTIFICATE, base64.encodeToString(certificate.getEncoded()),
        SIGNATURE, base64.encodeToString(signer.sign()));
    } catch (GeneralSecurityException e) {
      throw new ClusterException("cannot sign with the cluster key: " + e.getMessage(), e);
    }
  }

  /**
   * Checks the attributes a member presented for joining {@code clusterName} from {@code address}.
   *
   * @throws SecurityException saying what is wrong, never quoting the attributes
   */
  void verify(Map<String, String> attributes, String clusterName, String address) {
    String encodedCertificate = attributes == null ? null : attributes.get(CERTIFICATE);
    String encodedSignature = attributes == null ? null : attributes.get(SIGNATURE);
    if (encodedCertificate == null || encodedSignature == null) {
      throw new SecurityException("member " + address + " presented no cluster certificate: refused");
    }
    X509Certificate presented;
    try {
      presented = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(encodedCertificate)));
      presented.checkValidity();
    } catch (CertificateException | IllegalArgumentException e) {
      throw new SecurityException("member " + address + " presented an unreadable or expired certificate: refused");
    }
    if (!issuedByAuthority(presented)) {
      throw new SecurityException("member " + address + " presented a certificate not issued by the cluster's CA: "
        + "refused");
    }
    try {
      Signature verifier = Signature.getInstance(algorithm(presented.getPublicKey().getAlgorithm()));
      verifier.initVerify(presented.getPublicKey());
      verifier.update(signed(clusterName, address));
      if (verifier.verify(Base64.getDecoder().decode(encodedSignature))) {
        return;
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // reported below, as any signature that does not verify
    }
    throw new SecurityException("member " + address + " did not sign its join with its certificate's key: refused");
  }

  private boolean issuedByAuthority(X509Certificate presented) {
    for (X509Certificate authority : authorities) {
      if (authority.equals(presented)) {
        return true;
      }
      if (!authority.getSubjectX500Principal().equals(presented.getIssuerX500Principal())) {
        continue;
      }
      try {
        PublicKey authorityKey = authority.getPublicKey();
        presented.verify(authorityKey);
        authority.checkValidity();
        return true;
      } catch (GeneralSecurityException e) {
        // another CA of the same name may have issued it
      }
    }
    return false;
  }

  /** Bound to the cluster and the address, so that a proof is worth nothing elsewhere. */
  private static byte[] signed(String clusterName, String address) {
    return ("multiverse9 cluster join\n" + clusterName + "\n" + address).getBytes(StandardCharsets.UTF_8);
  }

  private static String algorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new ClusterException("the cluster key is " + keyAlgorithm + "; use RSA, EC or Ed25519");
    };
  }
}
