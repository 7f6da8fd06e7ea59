package io.multiverse9.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * TLS for a listener that accepts plain TCP: the handshake is started by the connect handler, on a socket it has
 * already counted.
 *
 * <p>With {@code NetServerOptions.setSsl} Vert.x hands a socket to the connect handler only once its handshake is
 * done, so connections still in their handshake hold a file descriptor each without being seen, let alone counted
 * against a limit: a thousand silent connections were all held. {@code NetSocket.upgradeToSsl} would start the
 * handshake from the connect handler, but on a port that several verticle instances share only the first
 * instance's sockets have the SSL machinery it needs. So this puts Netty's own {@code SslHandler} first in the
 * socket's pipeline, with the key and trust managers Vert.x reads from the PEM files. The connect handler runs
 * while the channel is being set up, before the event loop has read anything from it, so every byte the client
 * sends goes through the handler; Vert.x finds it there ({@code isSsl()}, {@code peerCertificates()}).
 */
public final class ServerTls {

  private final SslContext context;
  private final boolean verifiesClients;

  private ServerTls(SslContext context, boolean verifiesClients) {
    this.context = context;
    this.verifiesClients = verifiesClients;
  }

  /** A handshake succeeds only with a client certificate that the CA signed. */
  public boolean verifiesClients() {
    return verifiesClients;
  }

  /**
   * Reads the certificate, its key and the CA (or {@code null}: no client certificate asked for) off the event loop.
   * With a CA, a client must present a certificate it signed, or the handshake fails.
   */
  public static Future<ServerTls> load(Vertx vertx, String certPath, String keyPath, String caPath) {
    return vertx.executeBlocking(() -> {
      SslContextBuilder builder = SslContextBuilder.forServer(PemTls.identity(certPath, keyPath)
          .getKeyManagerFactory(vertx))
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3", "TLSv1.2");
      if (caPath != null) {
        builder.trustManager(PemTls.trust(caPath).getTrustManagerFactory(vertx))
          .clientAuth(ClientAuth.REQUIRE);
      }
      return new ServerTls(builder.build(), caPath != null);
    }).recover(e -> Future.failedFuture(new IllegalArgumentException("tls.cert " + certPath + " and tls.key "
      + keyPath + (caPath == null ? "" : " and tls.ca " + caPath) + " cannot be used: " + e.getMessage()
      + " (PEM files: a certificate chain, its PKCS#8 or PKCS#1 key; docs/OPERATIONS.md, TLS)", e)));
  }

  /**
   * Starts the handshake on {@code socket}, which must have just been handed to the connect handler (before the
   * event loop reads from it). Completes, on the socket's event loop, once it is done; fails if it fails, if the
   * client closes first, or after {@code timeoutMs}, the socket then being closed.
   */
  public Future<Void> handshake(NetSocket socket, long timeoutMs) {
    if (!(socket instanceof NetSocketInternal internal)) {
      return Future.failedFuture("TLS needs Vert.x's own sockets");
    }
    ChannelHandlerContext chctx = internal.channelHandlerContext();
    SslHandler ssl = context.newHandler(chctx.alloc());
    ssl.setHandshakeTimeoutMillis(timeoutMs);
    Promise<Void> done = Promise.promise();
    ssl.handshakeFuture().addListener(f -> {
      // completed synchronously, so that whoever waits attaches its handlers before the first bytes of data,
      // which may follow the handshake's last message in the same read, are passed on
      if (f.isSuccess()) {
        done.complete();
      } else {
        done.fail(f.cause());
      }
    });
    chctx.pipeline().addFirst("ssl", ssl);
    return done.future();
  }
}
