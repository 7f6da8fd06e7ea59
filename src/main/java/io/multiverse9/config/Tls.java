package io.multiverse9.config;

/**
 * TLS for the listener and for connections to peers ({@code tls.*}, issue 7; our addition to SPEC 4).
 *
 * @param certPath PEM certificate (chain) of this node, shown to clients and, as a client certificate, to peers
 * @param keyPath PEM private key of that certificate
 * @param caPath PEM certificates to trust, or {@code null}: when set, clients must present a certificate signed by
 *               one of them (and are then acknowledged, SPEC 3), and peers' certificates are checked against them
 *               whatever host they name; when not, peers' certificates are checked against the JVM's CAs and must
 *               be valid for the host of their {@code nodes} entry
 */
public record Tls(String certPath, String keyPath, String caPath) {
}
