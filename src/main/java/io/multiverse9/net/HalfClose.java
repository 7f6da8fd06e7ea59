package io.multiverse9.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.Context;
import io.vertx.core.net.NetSocket;
import io.vertx.core.internal.net.NetSocketInternal;

/**
 * Lets a client shut its write side and still read every answer (SPEC 1.6).
 *
 * <p>Netty closes a channel whose input ends unless half-closure is allowed, and Vert.x 5 has no public switch
 * for it, so this class reaches into the socket's Netty channel: it allows half-closure and reports the end of
 * input on the connection's own context. Everything else about the socket stays with Vert.x.
 */
public final class HalfClose {

  private HalfClose() {
  }

  public static void enable(NetSocket socket, Context context, Runnable onInputShutdown) {
    if (!(socket instanceof NetSocketInternal internal)) {
      return;
    }
    ChannelHandlerContext chctx = internal.channelHandlerContext();
    chctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    chctx.pipeline().addFirst("mv9-input-shutdown", new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ChannelInputShutdownEvent) {
          // after the reads already in the pipeline, which Vert.x delivers on this same context
          context.runOnContext(v -> onInputShutdown.run());
        }
        super.userEventTriggered(ctx, event);
      }
    });
  }
}
