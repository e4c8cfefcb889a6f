package io.celestialflow.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A run's lineage log opened for reading: its stage table and its records, read as needed through a
 * {@link LineageReader}. A torn last record (in version 4, block) — the process was killed while
 * the writer appended it — is left out; a damaged header or record is a {@link StoreException}
 * naming the file. Reads logs of version 4 (blocks, {@link LineageBlockFormat}, written by this
 * build), of version 3 (16-byte {@link LineageRecord}s) and of version 2 ({@link LineageRecordV2},
 * 24-byte records with the time in each). Records are numbered across the log in every version, and
 * read as version 3's two words.
 */
final class LineageLog implements AutoCloseable {
  /** Bytes of the header's fixed part: magic, version, header size. */
  private static final int FIXED = 16;

  /** The version of logs written before version 3: 24-byte records. */
  static final int VERSION_2 = 2;

  /** The version of logs written before version 4: 16-byte records. */
  static final int VERSION_3 = 3;

  private final LineageReader reader;
  private final int version;
  private final int recordBytes;
  private final int start;
  private final List<String> stages;
  private final @Nullable LineageBlocks blocks; // version 4
  private final long records;

  private LineageLog(
      LineageReader reader,
      int version,
      int start,
      List<String> stages,
      @Nullable LineageBlocks blocks) {
    this.reader = reader;
    this.version = version;
    this.recordBytes = recordBytes(version);
    this.start = start;
    this.stages = stages;
    this.blocks = blocks;
    this.records =
        blocks != null ? blocks.records() : (reader.size() - start) / recordBytes(version);
  }

  /**
   * The size of a record in a log of this version (one this build reads; version 4's records vary,
   * its header is padded as version 3's).
   */
  static int recordBytes(int version) {
    return version == VERSION_2 ? LineageRecordV2.BYTES : LineageRecord.BYTES;
  }

  /** The version in the fixed part of a log's header (checked by {@link #headerBytes}). */
  private static int version(byte[] fixed) {
    return ByteBuffer.wrap(fixed, LineageFiles.MAGIC.length, 4)
        .order(ByteOrder.LITTLE_ENDIAN)
        .getInt();
  }

  /**
   * Opens a log.
   *
   * @throws StoreException if it cannot be read or is not a lineage log
   */
  static LineageLog open(Path file) {
    LineageReader reader = new LineageReader(file);
    try {
      byte[] fixed = reader.bytes(0, FIXED);
      int start = headerBytes(fixed, reader.size(), file);
      int version = version(fixed);
      ByteBuffer header = ByteBuffer.wrap(reader.bytes(0, start)).order(ByteOrder.LITTLE_ENDIAN);
      header.position(FIXED);
      List<String> stages = new ArrayList<>();
      int n = header.getInt();
      if (n < 0 || n > LineageRecord.MAX_STAGES) {
        throw corrupt(file, "its stage table says " + n + " stages");
      }
      for (int i = 0; i < n; i++) {
        int len = header.getInt();
        if (len < 0 || len > header.remaining()) {
          throw corrupt(file, "its stage table is cut short");
        }
        byte[] name = new byte[len];
        header.get(name);
        stages.add(new String(name, StandardCharsets.UTF_8));
      }
      LineageBlocks blocks =
          version == LineageFiles.VERSION ? LineageBlocks.walk(reader, start) : null;
      return new LineageLog(reader, version, start, List.copyOf(stages), blocks);
    } catch (java.nio.BufferUnderflowException e) {
      reader.close();
      throw corrupt(file, "its stage table is cut short");
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /**
   * Checks the fixed part of a log's header (its first {@link #FIXED} bytes) and returns where its
   * records begin.
   *
   * @throws StoreException if the file is not a lineage log of this version
   */
  private static int headerBytes(byte[] fixed, long size, Path file) {
    if (fixed.length < FIXED) {
      throw corrupt(file, "it is shorter than its header (" + size + " bytes)");
    }
    ByteBuffer head = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[LineageFiles.MAGIC.length];
    head.get(magic);
    if (!Arrays.equals(magic, LineageFiles.MAGIC)) {
      throw corrupt(file, "it does not begin as a lineage log");
    }
    int version = head.getInt();
    int start = head.getInt();
    if (version != LineageFiles.VERSION && version != VERSION_3 && version != VERSION_2) {
      throw new StoreException(
          "lineage log "
              + file
              + " has version "
              + version
              + "; this build reads versions "
              + VERSION_2
              + " to "
              + LineageFiles.VERSION);
    }
    if (start < FIXED + 4 || start % recordBytes(version) != 0 || start > size) {
      throw corrupt(file, "its header size " + start + " does not fit");
    }
    return start;
  }

  static StoreException corrupt(Path file, String why) {
    return new StoreException("lineage file " + file + " is damaged: " + why);
  }

  Path file() {
    return reader.path();
  }

  /** The log's format version. */
  int version() {
    return version;
  }

  /** Complete records in the log. */
  long records() {
    return records;
  }

  /** Where the log's complete records end. */
  long end() {
    return blocks != null ? blocks.end() : start + records * recordBytes;
  }

  private long word(long record, int field) {
    if (blocks != null) {
      return blocks.word(record, field);
    }
    if (record < 0 || record >= records) {
      throw new IndexOutOfBoundsException("record " + record + " of " + records);
    }
    return reader.getLong(start + record * recordBytes + field * 8L);
  }

  /** Why a record is damaged, or null (checked as its version's record). */
  private @Nullable String problem(long record) {
    return problem(word(record, 0), word(record, 1), version == VERSION_2 ? word(record, 2) : 0);
  }

  /** Why a record of these words is damaged, or null; {@code w2} only for version 2. */
  private @Nullable String problem(long w0, long w1, long w2) {
    return version == VERSION_2
        ? LineageRecordV2.problem(w0, w1, w2, stages.size())
        : LineageRecord.problem(w0, w1, stages.size());
  }

  long task(long record) {
    return LineageRecord.task(word(record, 0));
  }

  long parent(long record) {
    return LineageRecord.parent(word(record, 1));
  }

  /**
   * Checks one record.
   *
   * @throws StoreException if it is damaged
   */
  void check(long record) {
    String problem = problem(record);
    if (problem != null) {
      throw corrupt(file(), "record " + record + ": " + problem);
    }
  }

  /**
   * Reads every record in order, checked, {@link LineageBuffers#EVENTS} at a time, each batch as
   * two longs per record: its first two words, which hold the task id (0 for a time record) and the
   * parent id in every version.
   *
   * @throws StoreException if a record is damaged
   */
  void scan(java.util.function.ObjIntConsumer<long[]> batches) {
    if (blocks != null) {
      blocks.forEach((words, count, first) -> {
        checkAll(words, 2, count, first);
        batches.accept(words, count);
      });
      return;
    }
    int per = LineageBuffers.EVENTS;
    int longs = recordBytes / 8;
    long[] words = new long[per * longs];
    long[] pairs = new long[per * 2];
    for (long first = 0; first < records; first += per) {
      int count = (int) Math.min(per, records - first);
      byte[] bytes = reader.bytes(start + first * recordBytes, count * recordBytes);
      ByteBuffer.wrap(bytes)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asLongBuffer()
          .get(words, 0, count * longs);
      checkAll(words, longs, count, first);
      for (int i = 0; i < count; i++) {
        pairs[2 * i] = words[i * longs];
        pairs[2 * i + 1] = words[i * longs + 1];
      }
      batches.accept(pairs, count);
    }
  }

  /**
   * Checks {@code count} records read into {@code words}, {@code longs} words each, the first of
   * them record {@code first}.
   *
   * @throws StoreException at the first damaged one
   */
  private void checkAll(long[] words, int longs, int count, long first) {
    for (int i = 0; i < count; i++) {
      int at = i * longs;
      String problem = problem(words[at], words[at + 1], longs > 2 ? words[at + 2] : 0);
      if (problem != null) {
        throw corrupt(file(), "record " + (first + i) + ": " + problem);
      }
    }
  }

  /** One record as an event (checked). */
  LineageEvent event(long record) {
    check(record);
    long w0 = word(record, 0);
    long w1 = word(record, 1);
    if (version == VERSION_2) {
      long w2 = word(record, 2);
      return new LineageEvent(
          LineageRecord.task(w0),
          LineageRecord.parent(w1),
          stages.get(LineageRecord.stage(w0)),
          LineageEvent.Kind.of(LineageRecordV2.kind(w2)),
          LineageRecordV2.attempt(w1, w2),
          Instant.ofEpochMilli(LineageRecordV2.time(w2)));
    }
    if (LineageRecord.isTime(w0)) {
      throw new IllegalArgumentException("record " + record + " is a time, not an event");
    }
    return new LineageEvent(
        LineageRecord.task(w0),
        LineageRecord.parent(w1),
        stages.get(LineageRecord.stage(w0)),
        LineageEvent.Kind.of(LineageRecord.kind(w1)),
        LineageRecord.attempt(w1),
        Instant.ofEpochMilli(timeBefore(record)));
  }

  /**
   * The time of an event of version 3 or 4: that of the last time record before it, which the block
   * the event was written in begins with.
   */
  private long timeBefore(long record) {
    for (long r = record - 1; r >= 0; r--) {
      long w0 = word(r, 0);
      if (LineageRecord.isTime(w0)) {
        check(r);
        return LineageRecord.time(word(r, 1));
      }
    }
    throw corrupt(file(), "record " + record + " has no time record before it");
  }

  @Override
  public void close() {
    reader.close();
  }
}
