package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * One entry of an AGGREGATE answer (SPEC 1.3).
 *
 * @param status what became of the target
 * @param target the target as the client sent it
 * @param data the value when {@link EntryStatus#FOUND}, a message for the error statuses, empty for NOT_FOUND
 */
public record AggregateEntry(EntryStatus status, Buffer target, Buffer data) {

  private static final Buffer EMPTY = Buffer.buffer(0);

  public static AggregateEntry found(Buffer target, Buffer value) {
    return new AggregateEntry(EntryStatus.FOUND, target, value);
  }

  public static AggregateEntry notFound(Buffer target) {
    return new AggregateEntry(EntryStatus.NOT_FOUND, target, EMPTY);
  }

  public static AggregateEntry failed(EntryStatus status, Buffer target, String message) {
    return new AggregateEntry(status, target, Buffer.buffer(message, StandardCharsets.UTF_8.name()));
  }
}
