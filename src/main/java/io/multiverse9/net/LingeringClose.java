package io.multiverse9.net;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Closes a connection whose client may still be sending, without losing the answers it has not read yet.
 *
 * <p>A socket closed while bytes it never read wait in the kernel is reset, and a reset can throw away the answers
 * still on their way to the client. So this shuts only the writing side (the client reads every answer, then end
 * of stream), and the caller keeps reading and dropping what comes in; the socket closes when the client closes
 * its side, which the caller reports with {@link #clientClosed}, or after {@code lingerMs} at the latest.
 */
public final class LingeringClose {

  private LingeringClose() {
  }

  /** Call once the last answer has been written (its write future completed). */
  public static void start(NetSocket socket, Vertx vertx, long lingerMs) {
    Channel channel = socket instanceof NetSocketInternal internal ? internal.channelHandlerContext().channel() : null;
    if (!(channel instanceof DuplexChannel duplex)) {
      socket.close();
      return;
    }
    duplex.shutdownOutput();
    vertx.setTimer(lingerMs, id -> ClosingNow.close(socket));
  }

  /** The client shut its side: nothing more will come, so the socket closes now. */
  public static Future<Void> clientClosed(NetSocket socket) {
    return ClosingNow.close(socket);
  }
}
