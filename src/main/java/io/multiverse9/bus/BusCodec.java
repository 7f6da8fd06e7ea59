package io.multiverse9.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Carries one of our immutable message records on the event bus: by reference between verticles of one JVM
 * (no JSON, no copy of values), and in a compact binary form between JVMs of a cluster.
 */
public final class BusCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;
  private final BiConsumer<Buffer, T> write;
  private final Function<WireReader, T> read;

  private BusCodec(Class<T> type, BiConsumer<Buffer, T> write, Function<WireReader, T> read) {
    this.type = type;
    this.write = write;
    this.read = read;
  }

  /** The codec of {@code type}: {@code write} its fields with {@link Wire}, {@code read} them back in order. */
  public static <T> BusCodec<T> of(Class<T> type, BiConsumer<Buffer, T> write, Function<WireReader, T> read) {
    return new BusCodec<>(type, write, read);
  }

  /** Registers the codec of {@code type} once per Vert.x instance; registering again is harmless. */
  public static <T> void register(Vertx vertx, Class<T> type, BiConsumer<Buffer, T> write,
                                  Function<WireReader, T> read) {
    register(vertx, of(type, write, read));
  }

  /** Registers {@code codec} once per Vert.x instance; registering again is harmless. */
  public static <T> void register(Vertx vertx, BusCodec<T> codec) {
    try {
      vertx.eventBus().registerDefaultCodec(codec.type, codec);
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    int lengthAt = buffer.length();
    buffer.appendInt(0);
    write.accept(buffer, value);
    buffer.setInt(lengthAt, buffer.length() - lengthAt - 4);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return read.apply(new WireReader(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "mv9-" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
