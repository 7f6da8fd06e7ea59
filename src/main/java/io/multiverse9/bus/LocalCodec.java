package io.multiverse9.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes our immutable message records by reference between verticles of one JVM: no JSON, no copy of values.
 * Records are immutable and the buffers in them are not written after sending, so sharing is safe.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;

  private LocalCodec(Class<T> type) {
    this.type = type;
  }

  /** Registers a codec for each type, once per Vert.x instance; registering again is harmless. */
  public static void register(Vertx vertx, Class<?>... types) {
    for (Class<?> type : types) {
      registerOne(vertx, type);
    }
  }

  private static <T> void registerOne(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is sent between verticles of one JVM only");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is sent between verticles of one JVM only");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return "mv9-local-" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
