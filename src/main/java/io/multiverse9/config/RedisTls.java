package io.multiverse9.config;

/**
 * What the node trusts and shows on {@code rediss://} connections ({@code redis.tls.*}, our addition to SPEC 4).
 * The host name of each URI is always checked against the certificate Redis presents.
 *
 * @param caPath PEM certificates that vouch for Redis, or {@code null} for the JVM's trusted CAs
 * @param certPath PEM client certificate for a Redis that requires one ({@code tls-auth-clients yes}), or {@code null}
 * @param keyPath its PEM private key, set exactly when {@code certPath} is
 */
public record RedisTls(String caPath, String certPath, String keyPath) {
}
