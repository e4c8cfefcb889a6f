package io.celestialflow.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A run's lineage log opened for reading: its stage table and its records, read as needed through a
 * {@link LineageReader}. A torn last record (the process was killed while appending) is left out; a
 * damaged header or record is a {@link StoreException} naming the file.
 */
final class LineageLog implements AutoCloseable {
  /** Bytes of the header's fixed part: magic, version, header size. */
  static final int FIXED = 16;

  private final LineageReader reader;
  private final int start;
  private final List<String> stages;
  private final long records;

  private LineageLog(LineageReader reader, int start, List<String> stages, long records) {
    this.reader = reader;
    this.start = start;
    this.stages = stages;
    this.records = records;
  }

  /**
   * Opens a log.
   *
   * @throws StoreException if it cannot be read or is not a lineage log
   */
  static LineageLog open(Path file) {
    LineageReader reader = new LineageReader(file);
    try {
      int start = headerBytes(reader.bytes(0, FIXED), reader.size(), file);
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
      long records = (reader.size() - start) / LineageRecord.BYTES;
      return new LineageLog(reader, start, List.copyOf(stages), records);
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
  static int headerBytes(byte[] fixed, long size, Path file) {
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
    if (version != LineageFiles.VERSION) {
      throw new StoreException(
          "lineage log "
              + file
              + " has version "
              + version
              + "; this build reads version "
              + LineageFiles.VERSION);
    }
    if (start < FIXED + 4 || start % LineageRecord.BYTES != 0 || start > size) {
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

  /** Complete records in the log. */
  long records() {
    return records;
  }

  private long word(long record, int field) {
    if (record < 0 || record >= records) {
      throw new IndexOutOfBoundsException("record " + record + " of " + records);
    }
    return reader.getLong(start + record * LineageRecord.BYTES + field * 8L);
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
    String problem =
        LineageRecord.problem(word(record, 0), word(record, 1), word(record, 2), stages.size());
    if (problem != null) {
      throw corrupt(file(), "record " + record + ": " + problem);
    }
  }

  /**
   * Reads every record in order, checked, {@link LineageBuffers#EVENTS} at a time, each batch as
   * {@link LineageRecord#LONGS} longs per record.
   *
   * @throws StoreException if a record is damaged
   */
  void scan(java.util.function.ObjIntConsumer<long[]> batches) {
    int per = LineageBuffers.EVENTS;
    long[] events = new long[per * LineageRecord.LONGS];
    for (long first = 0; first < records; first += per) {
      int count = (int) Math.min(per, records - first);
      byte[] bytes = reader.bytes(start + first * LineageRecord.BYTES, count * LineageRecord.BYTES);
      ByteBuffer.wrap(bytes)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asLongBuffer()
          .get(events, 0, count * LineageRecord.LONGS);
      for (int i = 0; i < count; i++) {
        int at = i * LineageRecord.LONGS;
        String problem =
            LineageRecord.problem(events[at], events[at + 1], events[at + 2], stages.size());
        if (problem != null) {
          throw corrupt(file(), "record " + (first + i) + ": " + problem);
        }
      }
      batches.accept(events, count);
    }
  }

  /** One record as an event (checked). */
  LineageEvent event(long record) {
    check(record);
    long w0 = word(record, 0);
    long w1 = word(record, 1);
    long w2 = word(record, 2);
    return new LineageEvent(
        LineageRecord.task(w0),
        LineageRecord.parent(w1),
        stages.get(LineageRecord.stage(w0)),
        LineageEvent.Kind.of(LineageRecord.kind(w2)),
        LineageRecord.attempt(w1, w2),
        Instant.ofEpochMilli(LineageRecord.time(w2)));
  }

  @Override
  public void close() {
    reader.close();
  }
}
