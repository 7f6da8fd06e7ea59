package io.multiverse9.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the payload of an OK AGGREGATE answer (SPEC 1.3): entries {@code status u8 | target_len u16 | target |
 * data_len u32 | data}, back to back until the payload ends. The one reader of that structure, for the client
 * library, the peer connections and the event bus alike; {@link ResponseEncoder} writes it, with one writer behind
 * {@link ResponseEncoder#encodeBinary} and {@link ResponseEncoder#appendEntries}.
 *
 * <p>It reads a payload as its bytes arrive, in reads split anywhere ({@link #feed}), so that a peer's answer is
 * never held or parsed in one piece: the work of each read is that read's bytes. Every length is checked against
 * the payload's announced length before anything is allocated for it, so an entry's data is held only up to what
 * the payload can carry. A field that lies whole within one read is taken from it as it is (a slice, or a copy);
 * one split across reads is gathered into a buffer of its exact size.
 */
public final class EntryDecoder {

  /**
   * Told each entry's target as soon as its bytes are in, before the entry's data is read, and the index of that
   * entry; throws a {@link MalformedAnswerException} to refuse the answer there.
   */
  @FunctionalInterface
  public interface TargetCheck {
    void check(int index, Buffer target);
  }

  /** {@code status u8 | target_len u16}. */
  private static final int HEADER = 3;
  private static final int DATA_LENGTH = 4;
  private static final Buffer EMPTY = Buffer.buffer(0);
  private static final TargetCheck ANY_TARGET = (index, target) -> { };

  private enum Expecting { HEADER, TARGET, DATA_LENGTH, DATA }

  private final long length;
  private final boolean copy;
  private final TargetCheck check;
  private final List<AggregateEntry> entries = new ArrayList<>();
  /** Bytes of the payload read so far. */
  private long offset;
  private Expecting expecting = Expecting.HEADER;
  /** How many bytes the field expected next has. */
  private int need = HEADER;
  /** The field expected next, when its bytes are split across reads; else null. */
  private Buffer gathered;
  private EntryStatus status;
  private Buffer target;

  private EntryDecoder(long length, boolean copy, TargetCheck check) {
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a payload of " + length + " bytes");
    }
    this.length = length;
    this.copy = copy;
    this.check = check;
    startEntry();
  }

  /**
   * A decoder for a payload of {@code length} bytes (at most {@code Integer.MAX_VALUE}) that will arrive in pieces, whose entries share the bytes of
   * the reads they came in: only for a caller that owns those reads (a socket's, which nobody else holds), and lets
   * the entries go soon, since each keeps its read alive.
   */
  public static EntryDecoder sharing(long length, TargetCheck check) {
    return new EntryDecoder(length, false, check);
  }

  /**
   * The entries of {@code payload}, sharing no bytes with it: an entry kept holds its own bytes only, whatever the
   * size of the answer it came in. For callers that hand entries on to code they do not control (the client
   * library's users).
   *
   * @throws MalformedAnswerException saying what is wrong and at which byte, when the payload ends inside an
   *   entry or an entry has an unknown status
   */
  public static List<AggregateEntry> decode(Buffer payload) {
    return whole(payload, true);
  }

  /**
   * The entries of {@code payload} as slices of it, with no bytes copied. Only for a caller that owns the payload:
   * nobody else holds or changes it, and the entries are let go soon, since each one keeps the whole payload alive.
   *
   * @throws MalformedAnswerException as {@link #decode}
   */
  public static List<AggregateEntry> decodeSharing(Buffer payload) {
    return whole(payload, false);
  }

  private static List<AggregateEntry> whole(Buffer payload, boolean copy) {
    EntryDecoder decoder = new EntryDecoder(payload.length(), copy, ANY_TARGET);
    decoder.feed(payload, 0, payload.length());
    return decoder.entries();
  }

  /**
   * Takes the payload's next bytes, {@code bytes} from {@code from} to {@code to}: entries complete as their last
   * byte comes. Never given more bytes than the announced length.
   *
   * @throws MalformedAnswerException at the first byte that cannot be part of a well-formed payload of that
   *   length, or from the {@link TargetCheck}
   */
  public void feed(Buffer bytes, int from, int to) {
    int at = from;
    if (expecting == Expecting.HEADER && gathered == null) {
      at = wholeEntries(bytes, from, to);
    }
    while (at < to) {
      int available = to - at;
      if (gathered == null && available >= need) {
        at += need;
        offset += need;
        take(bytes, at - need, false);
      } else {
        if (gathered == null) {
          gathered = Buffer.buffer(need); // need is within the payload's length: checked before it was set
        }
        int n = Math.min(need - gathered.length(), available);
        gathered.appendBuffer(bytes, at, n);
        at += n;
        offset += n;
        if (gathered.length() == need) {
          Buffer field = gathered;
          gathered = null;
          take(field, 0, true);
        }
      }
    }
  }

  /**
   * The entries that lie whole in {@code bytes} from {@code at}, an entry's start, read straight through: most
   * answers come in one read, and the field-by-field steps cost about as much again. Returns where the first
   * entry not whole in this read starts, for those steps to take on.
   */
  private int wholeEntries(Buffer bytes, int at, int to) {
    while (to - at >= HEADER + DATA_LENGTH) {
      int targetLength = bytes.getUnsignedShort(at + 1);
      int dataLengthAt = at + HEADER + targetLength;
      if (to - dataLengthAt < DATA_LENGTH) {
        return at;
      }
      long dataLength = bytes.getUnsignedInt(dataLengthAt);
      long end = dataLengthAt + DATA_LENGTH + dataLength;
      if (end > to) {
        return at;
      }
      // the same checks, in the same order, as the field-by-field steps make
      int code = bytes.getUnsignedByte(at);
      EntryStatus entryStatus = EntryStatus.valueOf(code);
      require(entryStatus != null, offset, "unknown entry status " + code);
      require(length - offset - HEADER >= (long) targetLength + DATA_LENGTH, offset + HEADER,
        "the answer ends inside an entry's target or data length");
      Buffer entryTarget = part(bytes, at + HEADER, targetLength);
      check.check(entries.size(), entryTarget);
      long afterLength = offset + HEADER + targetLength + DATA_LENGTH;
      require(length - afterLength >= dataLength, afterLength, "the answer ends inside an entry's data");
      Buffer data = dataLength == 0 ? EMPTY : part(bytes, dataLengthAt + DATA_LENGTH, (int) dataLength);
      entries.add(new AggregateEntry(entryStatus, targetLength == 0 ? EMPTY : entryTarget, data));
      offset += end - at;
      at = (int) end;
      if (offset < length) {
        require(length - offset >= HEADER, offset, "the answer ends inside an entry header");
      }
    }
    return at;
  }

  /** Whether every byte of the payload has been read. */
  public boolean complete() {
    return offset == length;
  }

  /** The entries read so far, in order: all of them once {@link #complete()}. */
  public List<AggregateEntry> entries() {
    return entries;
  }

  /** The field expected next is whole in {@code bytes} from {@code at}; {@code own} when gathered for it alone. */
  private void take(Buffer bytes, int at, boolean own) {
    switch (expecting) {
      case HEADER -> {
        int code = bytes.getUnsignedByte(at);
        status = EntryStatus.valueOf(code);
        require(status != null, offset - HEADER, "unknown entry status " + code);
        int targetLength = bytes.getUnsignedShort(at + 1);
        require(length - offset >= (long) targetLength + DATA_LENGTH, offset,
          "the answer ends inside an entry's target or data length");
        expect(Expecting.TARGET, targetLength);
        if (targetLength == 0) {
          target(EMPTY);
        }
      }
      case TARGET -> target(own ? bytes : part(bytes, at, need));
      case DATA_LENGTH -> {
        long dataLength = bytes.getUnsignedInt(at);
        require(length - offset >= dataLength, offset, "the answer ends inside an entry's data");
        expect(Expecting.DATA, (int) dataLength);
        if (dataLength == 0) {
          entry(EMPTY);
        }
      }
      case DATA -> entry(own ? bytes : part(bytes, at, need));
      default -> throw new IllegalStateException(expecting.name());
    }
  }

  private void target(Buffer read) {
    check.check(entries.size(), read);
    target = read;
    expect(Expecting.DATA_LENGTH, DATA_LENGTH);
  }

  private void entry(Buffer data) {
    entries.add(new AggregateEntry(status, target, data));
    status = null;
    target = null;
    startEntry();
  }

  private void startEntry() {
    expect(Expecting.HEADER, HEADER);
    if (offset < length) {
      require(length - offset >= HEADER, offset, "the answer ends inside an entry header");
    }
  }

  private void expect(Expecting next, int bytes) {
    expecting = next;
    need = bytes;
  }

  private Buffer part(Buffer bytes, int at, int size) {
    return copy ? bytes.getBuffer(at, at + size) : bytes.slice(at, at + size);
  }

  private static void require(boolean condition, long pos, String problem) {
    if (!condition) {
      throw new MalformedAnswerException("malformed AGGREGATE answer: " + problem + " (byte " + pos + ")");
    }
  }
}
