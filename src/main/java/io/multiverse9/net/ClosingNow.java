package io.multiverse9.net;

import io.vertx.core.Future;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Closes a socket without waiting for what is queued to it.
 *
 * <p>In Vert.x 5 {@code NetSocket.close()} is graceful: the close waits in the socket's outbound queue behind the
 * writes not yet sent, so it never happens while the other side does not read. Where those writes are worthless
 * (an idle client that stopped reading its answers, a peer that stopped answering and whose requests have all
 * failed already), this closes from the socket's Netty handler context instead, which passes Vert.x's own
 * handler and drops the queue.
 */
public final class ClosingNow {

  private ClosingNow() {
  }

  public static Future<Void> close(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) {
      internal.channelHandlerContext().close();
      return Future.succeededFuture();
    }
    return socket.close();
  }
}
