package io.multiverse9.net;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A {@code Buffer} over an array its caller has filled and hands over, without copying it: Vert.x 5's public
 * {@code Buffer.buffer(byte[])} copies the array into a buffer of its own, which for an answer written into an
 * array of its exact size would be its bytes' second copy on the way to the socket. Only the internal
 * {@code BufferInternal.buffer(ByteBuf)} takes a Netty buffer as it is.
 */
public final class WrappedBytes {

  private WrappedBytes() {
  }

  /** The caller must not change {@code bytes} afterwards: the buffer, and a write of it, read them as they are. */
  public static Buffer of(byte[] bytes) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
  }
}
