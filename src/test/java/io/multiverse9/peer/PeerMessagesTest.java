package io.multiverse9.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.multiverse9.bus.BusCodec;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryStatus;
import io.multiverse9.protocol.KeyBytes;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The peer messages as they cross the event bus between the JVMs of a node: what is sent is what arrives. */
class PeerMessagesTest {

  static <T> T acrossJvms(BusCodec<T> codec, T message) {
    Buffer wire = Buffer.buffer().appendString("before");
    codec.encodeToWire(wire, message);
    return codec.decodeFromWire("before".length(), wire.appendString("after"));
  }

  @Test
  void anAggregateCarriesTheAddressKeysAndBoundOnly() {
    PeerMessages.Aggregate sent = new PeerMessages.Aggregate(Address.parse("[::1]:7001", false),
      KeyBytes.of("01ARZ3NDEKTSV4RRFFQ69G5FAV", "01BX5ZZKBKACTAV9WEVGEMMVRZ"), 16_384);
    assertEquals(sent, acrossJvms(PeerMessages.AGGREGATE_CODEC, sent));
  }

  @Test
  void anAnswerCarriesEveryEntry() {
    PeerMessages.Answer sent = new PeerMessages.Answer(List.of(
      AggregateEntry.found(Buffer.buffer("01ARZ3NDEKTSV4RRFFQ69G5FAV"), Buffer.buffer(new byte[] {0, -1, 7})),
      AggregateEntry.notFound(Buffer.buffer("01BX5ZZKBKACTAV9WEVGEMMVRZ")),
      AggregateEntry.failed(EntryStatus.UNAVAILABLE, Buffer.buffer("01BX5ZZKBKACTAV9WEVGEMMVS0"), "down")), 0);
    assertEquals(sent, acrossJvms(PeerMessages.ANSWER_CODEC, sent));
    assertEquals(new PeerMessages.Answer(List.of(), 0), acrossJvms(PeerMessages.ANSWER_CODEC,
      new PeerMessages.Answer(List.of(), 0)));
  }

  @Test
  void anAnswerTooLongForItsRequestCarriesItsLengthOnly() {
    PeerMessages.Answer sent = new PeerMessages.Answer(null, 16_777_249);
    assertEquals(sent, acrossJvms(PeerMessages.ANSWER_CODEC, sent));
  }
}
