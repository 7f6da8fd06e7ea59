package io.multiverse9.jmh;

import io.multiverse9.net.WrappedBytes;
import io.multiverse9.peer.AnswerDecoderAccess;
import io.multiverse9.protocol.AggregateEntry;
import io.multiverse9.protocol.EntryDecoder;
import io.multiverse9.protocol.Form;
import io.multiverse9.protocol.KeyBytes;
import io.multiverse9.protocol.ProtocolException;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.Request;
import io.multiverse9.protocol.RequestDecoder;
import io.multiverse9.protocol.ResponseEncoder;
import io.multiverse9.protocol.Segments;
import io.multiverse9.protocol.TargetParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The codec's hot paths: decoding pipelined request frames, encoding answers. Run with {@code bench/jmh.sh}.
 * Scores are per operation; compare them only with scores from the same machine and run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

  static final int FRAMES = 100;

  Buffer pipelinedCreates;
  Buffer pipelinedAggregates;
  Buffer aggregatePayload;
  Buffer remotePayload;
  Buffer localPayload;
  Reply created;
  Reply entries10;
  Reply entries100;
  Buffer answer100;
  KeyBytes keys100;

  @Setup
  public void setup() {
    pipelinedCreates = Buffer.buffer();
    pipelinedAggregates = Buffer.buffer();
    byte[] value = new byte[64];
    StringBuilder targets = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      targets.append(i == 0 ? "" : "\0").append("01JD7Q6W7C4X5S2Z3Y8K9M0N1").append(i);
    }
    aggregatePayload = Buffer.buffer(targets.toString());
    StringBuilder remote = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      remote.append(i == 0 ? "" : "\0").append(String.format("01JD7Q6W7C4X5S2Z3Y8K9M%04d", i))
        .append(i % 2 == 0 ? "@127.0.0.3:7102" : "@127.0.0.4:7103");
    }
    remotePayload = Buffer.buffer(remote.toString());
    StringBuilder local = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      local.append(i == 0 ? "" : "\0").append(String.format("01JD7Q6W7C4X5S2Z3Y8K9M%04d", i));
    }
    localPayload = Buffer.buffer(local.toString());
    for (int i = 0; i < FRAMES; i++) {
      pipelinedCreates.appendUnsignedShort(1).appendInt(value.length).appendBytes(value);
      pipelinedAggregates.appendUnsignedShort(3).appendInt(targets.length()).appendString(targets.toString());
    }
    created = new Reply.Created("01JD7Q6W7C4X5S2Z3Y8K9M0N1P");
    List<AggregateEntry> list = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      list.add(AggregateEntry.found(Buffer.buffer("01JD7Q6W7C4X5S2Z3Y8K9M0N1" + i), Buffer.buffer(value)));
    }
    entries10 = new Reply.Entries(list);
    List<AggregateEntry> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add(AggregateEntry.found(Buffer.buffer(String.format("01JD7Q6W7C4X5S2Z3Y8K9M%04d", i)),
        Buffer.buffer(value)));
    }
    entries100 = new Reply.Entries(hundred);
    answer100 = ResponseEncoder.appendEntries(Buffer.buffer(), hundred);
    List<String> keys = new ArrayList<>();
    for (AggregateEntry entry : hundred) {
      keys.add(entry.target().toString());
    }
    keys100 = KeyBytes.of(keys);
  }

  private static void decode(Buffer input, Blackhole hole) {
    RecordParser parser = RecordParser.newFixed(1);
    RequestDecoder.attach(parser, 16 * 1024 * 1024, new RequestDecoder.Listener() {
      @Override
      public void onRequest(Request request) {
        hole.consume(request);
      }

      @Override
      public void onError(ProtocolException error) {
        throw error;
      }
    });
    parser.handle(input);
  }

  /** 100 pipelined CREATE frames of 64 bytes, in one read. */
  @Benchmark
  public void decode100Creates(Blackhole hole) {
    decode(pipelinedCreates, hole);
  }

  /** 100 pipelined AGGREGATE frames of 10 keys, in one read. */
  @Benchmark
  public void decode100Aggregates(Blackhole hole) {
    decode(pipelinedAggregates, hole);
  }

  /** What a node does with an AGGREGATE payload of 10 keys before it asks storage: split it, parse each target. */
  @Benchmark
  public void splitAndParse10Targets(Blackhole hole) {
    TargetParser parser = new TargetParser();
    Segments items = Segments.split(aggregatePayload, 1024);
    for (int i = 0; i < items.size(); i++) {
      hole.consume(parser.parse(items, i));
    }
  }

  /** The same for 100 bare keys, as in an AGGREGATE of 100 local keys. */
  @Benchmark
  public void splitAndParse100Targets(Blackhole hole) {
    TargetParser parser = new TargetParser();
    Segments items = Segments.split(localPayload, 1024);
    for (int i = 0; i < items.size(); i++) {
      hole.consume(parser.parse(items, i));
    }
  }

  /** The same for 100 targets on two peers, in turns: each target names its peer's address. */
  @Benchmark
  public void splitAndParse100RemoteTargets(Blackhole hole) {
    TargetParser parser = new TargetParser();
    Segments items = Segments.split(remotePayload, 1024);
    for (int i = 0; i < items.size(); i++) {
      hole.consume(parser.parse(items, i));
    }
  }

  @Benchmark
  public Buffer encodeCreated() {
    return ResponseEncoder.encode(created, Form.BINARY);
  }

  @Benchmark
  public Buffer encodeAggregate10Entries() {
    return ResponseEncoder.encode(entries10, Form.BINARY);
  }

  @Benchmark
  public Buffer encodeAggregate100Entries() {
    return ResponseEncoder.encode(entries100, Form.BINARY);
  }

  /**
   * What {@code Connection.flush} did with a turn of one answer, an AGGREGATE of 100 entries of 64 bytes, and still
   * does when a turn holds a text answer or one of unknown length: a {@code Buffer} presized to the answer's length,
   * the answer appended to it (its entries written into an array of their own first, then copied).
   */
  @Benchmark
  public Buffer flushOneAggregate100Presized() {
    Buffer out = Buffer.buffer((int) ResponseEncoder.binaryLength(entries100));
    return ResponseEncoder.appendTo(out, entries100, Form.BINARY);
  }

  /**
   * What {@code Connection.flush} does with that turn now: the frame written into an array of its exact size, which
   * the socket is handed as it is.
   */
  @Benchmark
  public Buffer flushOneAggregate100Exact() {
    byte[] bytes = new byte[(int) ResponseEncoder.exactBinaryLength(entries100)];
    ResponseEncoder.encodeBinary(entries100, bytes, 0);
    return WrappedBytes.of(bytes);
  }

  @Benchmark
  public Buffer encodeAggregate10EntriesAsText() {
    return ResponseEncoder.encode(entries10, Form.TEXT);
  }

  /** The client library's reading of an AGGREGATE answer of 100 entries of 64 bytes: entries of their own. */
  @Benchmark
  public List<AggregateEntry> decodeAnswer100Entries() {
    return EntryDecoder.decode(answer100);
  }

  /** A peer connection's reading of the same answer: its entries, each checked against the key asked. */
  @Benchmark
  public List<AggregateEntry> decodePeerAnswer100Entries() {
    return AnswerDecoderAccess.decode(answer100, keys100);
  }
}
