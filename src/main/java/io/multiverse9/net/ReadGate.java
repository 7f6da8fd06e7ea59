package io.multiverse9.net;

import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Stops and starts reading a socket at the kernel, for backpressure that holds in bytes (SPEC 1.6).
 *
 * <p>{@code NetSocket.pause()} stops delivering to the handler, but Vert.x 5 goes on reading from the kernel
 * until eight reads wait in its queue before it turns the channel's auto-read off: up to half a megabyte per
 * connection that nobody counts. Turning auto-read off together with the pause leaves what the client sends on in
 * the kernel's socket buffer, bounded by the operating system, instead of the heap.
 */
public final class ReadGate {

  private ReadGate() {
  }

  public static void close(NetSocket socket) {
    socket.pause();
    autoRead(socket, false);
  }

  public static void open(NetSocket socket) {
    autoRead(socket, true);
    socket.resume();
  }

  private static void autoRead(NetSocket socket, boolean on) {
    if (socket instanceof NetSocketInternal internal) {
      internal.channelHandlerContext().channel().config().setAutoRead(on);
    }
  }
}
