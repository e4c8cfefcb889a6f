package io.celestialflow.store;

import io.celestialflow.spi.SettledTasks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The lineage log's blocks (version 4): after the log's header, blocks one after the other, each a
 * {@value #HEADER}-byte header — body bytes (int), records and events (unsigned shorts), a CRC-32C
 * of those three and one of the body — and a body of records encoded compactly, each against the
 * one before it in the block:
 *
 * <ul>
 *   <li>a tag byte: bits 0–2 the {@link LineageEvent.Kind} code (0: a time record), bit 3 the stage
 *       index follows (else the previous event's), bit 4 the attempt follows (else 1), bit 5 the
 *       event has no parent (an input), bit 6 the task is the previous event's plus one (else its
 *       difference follows), bit 7 the parent is the previous parent plus one (else its difference
 *       follows, unless bit 5);
 *   <li>then what the tag says follows, each as a LEB128 varint (differences zigzag-encoded); a
 *       time record's tag 0 is followed by the time in epoch milliseconds.
 * </ul>
 *
 * <p>A chain's events take three to six bytes instead of version 3's sixteen: the writer's copy
 * into the page cache was what most of lineage cost for trivial tasks. Blocks decode on their own
 * (the encoder starts afresh in each), into the same two words per record as version 3 ({@link
 * LineageRecord}), so the index and traces read every version alike. A damaged block is noticed by
 * its checksums; a block with a sound header whose body runs past the end of the log (the process
 * was killed while the writer appended it) is left out.
 */
final class LineageBlockFormat {
  /** Bytes of a block's header. */
  static final int HEADER = 16;

  /** The most records a block holds: a decoded block stays small, and a trace decodes few. */
  static final int MAX_RECORDS = LineageBuffers.EVENTS;

  /** The most bytes one record takes (a time record, or an event with every field). */
  static final int MAX_RECORD = 1 + 3 + 3 + 10 + 10;

  /**
   * The most body bytes a block holds: a block ends at whichever of this and {@link #MAX_RECORDS}
   * comes first (a chain's 4,096 records take 5–25 KiB; records with every field at its largest end
   * a block by its bytes).
   */
  static final int MAX_BODY = 48 * 1024;

  private static final int SUCCEEDED = LineageEvent.Kind.SUCCEEDED.code();
  private static final int STAGE = 1 << 3;
  private static final int ATTEMPT = 1 << 4;
  private static final int INPUT = 1 << 5;
  private static final int NEXT_TASK = 1 << 6;
  private static final int NEXT_PARENT = 1 << 7;

  private LineageBlockFormat() {}

  /**
   * Encodes one block's records into a byte array, each against the one before (not thread-safe:
   * the engine's buffers use one per stripe, under its lock). The array comes from {@code buffers}
   * and leaves with {@link #take}.
   */
  static final class Encoder {
    private byte @Nullable [] body;
    private int length;
    private int records;
    private int events;
    private long firstAt;
    private long lastAt;
    private long task;
    private long parent;
    private int stage;
    private long unfit;

    Encoder() {
      reset();
    }

    private void reset() {
      body = null;
      length = 0;
      records = 0;
      events = 0;
      task = 0;
      parent = 0;
      stage = -1;
    }

    /** Records in the block so far: events and times. */
    int records() {
      return records;
    }

    /** Events in the block so far. */
    int events() {
      return events;
    }

    /** The time of the block's first time record (when it holds records). */
    long firstAt() {
      return firstAt;
    }

    /** Whether the block has room for one more event and the time before it. */
    boolean hasRoom() {
      return room(records, length) > 0;
    }

    /** How many events surely fit a block of so many records and bytes, after a time record. */
    private static int room(int records, int length) {
      return Math.min(MAX_RECORDS - 1 - records, (MAX_BODY - length) / MAX_RECORD - 1);
    }

    /**
     * Rows that did not fit a {@link LineageRecord} since the last call (the count starts afresh).
     */
    long takeUnfit() {
      long n = unfit;
      unfit = 0;
      return n;
    }

    /**
     * Appends the attempts of one stage's batch, from row {@code from} on, all at time {@code at},
     * while the block has room: each as an event, the first after a time record if the block holds
     * none of time {@code at} yet. Rows without an id (the run tracks none) are left out, and so
     * are rows that do not fit a {@link LineageRecord}, counted ({@link #takeUnfit}).
     *
     * <p>The encoder's state stays in locals for the whole batch, and the block's room is counted
     * ahead for many events rather than checked for each: batches of 256 chain events took 12.0 ns
     * per event with an event at a time (its state read from and written back to the fields), 10.6
     * ns so (a loop of nothing else), 8.5 ns asking the batch whether each attempt succeeded before
     * asking for its outcome (an enum read from an array, then mapped to its code). Most events
     * continue a chain (an input after an input, an output of the parent after the last's): such
     * runs are found by a loop that only compares ({@link #chainEnd}) and written as one tag byte
     * each at once, 7.6 → 1.6 ns per event in the same loop. One event alone is a batch of one.
     *
     * @param stage the stage's index in the log's table
     * @param buffers where the block's array comes from when it has none
     * @return the first row not looked at: {@code tasks.size()}, or less when the block is full
     */
    int events(
        SettledTasks tasks,
        int from,
        int stage,
        long at,
        java.util.function.Supplier<byte[]> buffers) {
      int n = tasks.size();
      if (from >= n) {
        return from;
      }
      byte[] b = body;
      if (b == null) {
        b = buffers.get();
        body = b;
      }
      boolean timeFits = LineageRecord.timeFits(at);
      boolean needTime = records == 0 || at != lastAt;
      int p = length;
      int records = this.records;
      int events = this.events;
      long task = this.task;
      long parent = this.parent;
      int lastStage = this.stage;
      long unfit = 0;
      int room = room(records, p);
      int i = from;
      for (; i < n && room > 0; i++) {
        if (!needTime && stage == lastStage) {
          // Most events continue a chain: each then takes one tag byte, the same for the run.
          boolean inputs = tasks.parentId(i) == 0;
          int end = chainEnd(tasks, i, i + Math.min(n - i, room), task, inputs ? 0 : parent + 1);
          int k = end - i;
          if (k > 0) {
            int tag = SUCCEEDED | NEXT_TASK | (inputs ? INPUT : NEXT_PARENT);
            Arrays.fill(b, p, p + k, (byte) tag);
            p += k;
            task += k;
            parent += inputs ? 0 : k;
            records += k;
            events += k;
            room -= k;
            if (room == 0) {
              room = room(records, p);
            }
            i = end - 1;
            continue;
          }
        }
        long id = tasks.id(i);
        if (id == 0) {
          continue;
        }
        long parentId = tasks.parentId(i);
        int attempt = tasks.attempt(i);
        if (!timeFits || !LineageRecord.eventFits(id, parentId, attempt)) {
          unfit++;
          continue;
        }
        if (needTime) {
          b[p++] = 0;
          p = putVarint(b, p, at);
          if (records == 0) {
            firstAt = at;
          }
          lastAt = at;
          records++;
          needTime = false;
        }
        int tagAt = p++;
        int tag = tasks.succeeded(i) ? SUCCEEDED : LineageEvent.Kind.of(tasks.outcome(i)).code();
        if (stage != lastStage) {
          tag |= STAGE;
          p = putVarint(b, p, stage);
          lastStage = stage;
        }
        if (attempt != 1) {
          tag |= ATTEMPT;
          p = putVarint(b, p, attempt);
        }
        if (id == task + 1) {
          tag |= NEXT_TASK;
        } else {
          p = putVarint(b, p, zigzag(id - task));
        }
        task = id;
        if (parentId == 0) {
          tag |= INPUT;
        } else {
          if (parentId == parent + 1) {
            tag |= NEXT_PARENT;
          } else {
            p = putVarint(b, p, zigzag(parentId - parent));
          }
          parent = parentId;
        }
        b[tagAt] = (byte) tag;
        records++;
        events++;
        if (--room == 0) {
          room = room(records, p); // counted for records of every field; most take far less
        }
      }
      this.length = p;
      this.records = records;
      this.events = events;
      this.task = task;
      this.parent = parent;
      this.stage = lastStage;
      this.unfit += unfit;
      return i;
    }

    /**
     * Where the run of rows from {@code i} (up to {@code limit}) ends whose events continue a
     * chain: each succeeded at its first attempt, its id one more than the row's before ({@code
     * task} before the first), and its parent {@code parent} for the first and one more for each
     * after (or 0 throughout: inputs). Each such event is a tag byte alone.
     */
    private static int chainEnd(SettledTasks tasks, int i, int limit, long task, long parent) {
      long step = parent == 0 ? 0 : 1;
      for (; i < limit; i++) {
        long id = tasks.id(i);
        if (id != task + 1
            || id > LineageRecord.MAX_ID
            || tasks.parentId(i) != parent
            || parent > LineageRecord.MAX_ID
            || !tasks.succeeded(i)
            || tasks.attempt(i) != 1) {
          return i;
        }
        task = id;
        parent += step;
      }
      return i;
    }

    /**
     * The block so far, as an entry for the writer; the encoder starts a new block (with a new
     * array) at its next event. Only when it holds records.
     */
    Entry.LineageBlock take(
        String runId, java.util.List<String> stages, java.util.Queue<byte[]> free) {
      Entry.LineageBlock block =
          new Entry.LineageBlock(
              runId, stages, java.util.Objects.requireNonNull(body), length, records, events, free);
      reset();
      return block;
    }
  }

  /** A new body array: as big as a block's body can be. */
  static byte[] newBody() {
    return new byte[MAX_BODY];
  }

  /** A block's header, for the block's body: its sizes and checksums. */
  static ByteBuffer header(byte[] body, int length, int records, int events) {
    return ByteBuffer.allocate(HEADER)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(length)
        .putShort((short) records)
        .putShort((short) events)
        .putInt(sizesChecksum(length, records, events))
        .putInt(checksum(body, 0, length))
        .clear();
  }

  /** The checksum of a header's first 8 bytes: its body size, records and events. */
  private static int sizesChecksum(int length, int records, int events) {
    ByteBuffer sizes =
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(length)
            .putShort((short) records)
            .putShort((short) events);
    return checksum(sizes.array(), 0, 8);
  }

  private static int checksum(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /** A block's header as read: where it is, its sizes, and the checksums of its sizes and body. */
  record Header(
      long position, int length, int records, int events, int headerCheck, int bodyCheck) {
    /** Where the block's body begins. */
    long body() {
      return position + HEADER;
    }

    /** Where the next block begins. */
    long end() {
      return body() + length;
    }

    /** Why the header cannot be a block's, or null. */
    @Nullable String problem() {
      if (sizesChecksum(length, records, events) != headerCheck) {
        return "its header's checksum does not match";
      }
      if (length < 0 || length > MAX_BODY) {
        return "its body size " + length + " does not fit";
      }
      if (records < 1 || records > MAX_RECORDS || events < 0 || events >= records) {
        return records + " records and " + events + " events do not fit";
      }
      return null;
    }

    /** Reads the header at a position (of a file at least {@link #HEADER} bytes longer). */
    static Header read(LineageReader reader, long position) {
      return parse(ByteBuffer.wrap(reader.bytes(position, HEADER)), position);
    }

    /** Reads a header from the start of a buffer, for a block at {@code position}. */
    static Header parse(ByteBuffer header, long position) {
      ByteBuffer h = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      return new Header(
          position,
          h.getInt(),
          Short.toUnsignedInt(h.getShort()),
          Short.toUnsignedInt(h.getShort()),
          h.getInt(),
          h.getInt());
    }
  }

  /**
   * Decodes a block's body into two words per record, as {@link LineageRecord} reads them.
   *
   * @param words at least {@code 2 * header.records()} longs
   * @return why the block is damaged, or null if it decoded whole
   */
  static @Nullable String decode(Header header, byte[] body, long[] words) {
    if (checksum(body, 0, body.length) != header.bodyCheck()) {
      return "its checksum does not match";
    }
    long task = 0;
    long parent = 0;
    int stage = -1;
    int events = 0;
    int[] at = {0};
    for (int r = 0; r < header.records(); r++) {
      if (at[0] >= body.length) {
        return "it ends after " + r + " of its " + header.records() + " records";
      }
      int tag = body[at[0]++] & 0xFF;
      int kind = tag & 7;
      if (kind == 0) {
        if (tag != 0) {
          return "record " + r + " has tag " + tag;
        }
        long time = getVarint(body, at);
        if (!LineageRecord.timeFits(time)) {
          return "record " + r + " has time " + time;
        }
        words[2 * r] = LineageRecord.timeWord0(time);
        words[2 * r + 1] = time;
        continue;
      }
      if ((tag & STAGE) != 0) {
        stage = (int) Math.min(getVarint(body, at), Integer.MAX_VALUE);
      }
      long attempt = (tag & ATTEMPT) != 0 ? getVarint(body, at) : 1;
      task = (tag & NEXT_TASK) != 0 ? task + 1 : task + unzigzag(getVarint(body, at));
      long parentOf = 0;
      if ((tag & INPUT) == 0) {
        parent = (tag & NEXT_PARENT) != 0 ? parent + 1 : parent + unzigzag(getVarint(body, at));
        parentOf = parent;
      } else if ((tag & NEXT_PARENT) != 0) {
        return "record " + r + " has tag " + tag;
      }
      if (at[0] < 0 || at[0] > body.length) {
        return "record " + r + " runs past the block's end";
      }
      if (stage < 0
          || stage >= LineageRecord.MAX_STAGES
          || !LineageRecord.eventFits(task, parentOf, attempt)) {
        return "record " + r + " holds a field out of range";
      }
      long w1 = LineageRecord.eventWord1(parentOf, kind, (int) attempt);
      words[2 * r] = LineageRecord.eventWord0(task, stage, w1);
      words[2 * r + 1] = w1;
      events++;
    }
    if (at[0] != body.length) {
      return "it holds " + (body.length - at[0]) + " bytes after its last record";
    }
    if (events != header.events()) {
      return "it holds " + events + " events, its header says " + header.events();
    }
    return null;
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static int putVarint(byte[] b, int at, long v) {
    while ((v & ~0x7FL) != 0) {
      b[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }

  /**
   * Reads a varint at {@code at[0]}, moving it on; past the array's end it moves {@code at} past.
   */
  private static long getVarint(byte[] b, int[] at) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at[0] >= b.length) {
        at[0] = b.length + 1;
        return 0;
      }
      int x = b[at[0]++];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
    at[0] = b.length + 1;
    return 0;
  }
}
