package io.celestialflow.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A run's lineage log opened for reading: its stage table and its records, memory-mapped. A torn
 * last record (the process was killed while appending) is left out; a damaged header or record is a
 * {@link StoreException} naming the file.
 */
final class LineageLog {
  /** Records per mapped chunk (1 GiB), so that logs beyond 2 GB map too. */
  private static final int CHUNK_SHIFT = 25;

  private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

  private final Path file;
  private final List<String> stages;
  private final long records;
  private final LongBuffer[] chunks;

  private LineageLog(Path file, List<String> stages, long records, LongBuffer[] chunks) {
    this.file = file;
    this.stages = stages;
    this.records = records;
    this.chunks = chunks;
  }

  /**
   * Opens a log.
   *
   * @throws StoreException if it cannot be read or is not a lineage log
   */
  static LineageLog open(Path file) {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = c.size();
      int start = headerBytes(c, file);
      ByteBuffer header = ByteBuffer.allocate(start).order(ByteOrder.LITTLE_ENDIAN);
      c.read(header, 0);
      header.position(LineageFiles.MAGIC.length + 8);
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
      long records = (size - start) / LineageRecord.BYTES;
      LongBuffer[] chunks = new LongBuffer[(int) ((records + CHUNK_MASK) >>> CHUNK_SHIFT)];
      for (int i = 0; i < chunks.length; i++) {
        long first = (long) i << CHUNK_SHIFT;
        long count = Math.min(records - first, 1L << CHUNK_SHIFT);
        chunks[i] =
            c.map(
                    FileChannel.MapMode.READ_ONLY,
                    start + first * LineageRecord.BYTES,
                    count * LineageRecord.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asLongBuffer();
      }
      return new LineageLog(file, List.copyOf(stages), records, chunks);
    } catch (java.nio.BufferUnderflowException e) {
      throw corrupt(file, "its stage table is cut short");
    } catch (IOException e) {
      throw new StoreException("cannot read the lineage log " + file + ": " + e, e);
    }
  }

  /**
   * Checks a log's magic and version and returns where its records begin.
   *
   * @throws StoreException if the file is not a lineage log of this version
   */
  static int headerBytes(FileChannel c, Path file) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(LineageFiles.MAGIC.length + 8);
    head.order(ByteOrder.LITTLE_ENDIAN);
    while (head.hasRemaining() && c.read(head, head.position()) > 0) {
      // read on
    }
    if (head.hasRemaining()) {
      throw corrupt(file, "it is shorter than its header (" + c.size() + " bytes)");
    }
    byte[] magic = new byte[LineageFiles.MAGIC.length];
    head.flip().get(magic);
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
    if (start < head.capacity() || start % LineageRecord.BYTES != 0 || start > c.size()) {
      throw corrupt(file, "its header size " + start + " does not fit");
    }
    return start;
  }

  static StoreException corrupt(Path file, String why) {
    return new StoreException("lineage file " + file + " is damaged: " + why);
  }

  Path file() {
    return file;
  }

  /** Complete records in the log. */
  long records() {
    return records;
  }

  private long word(long record, int field) {
    return chunks[(int) (record >>> CHUNK_SHIFT)].get(
        (int) (record & CHUNK_MASK) * LineageRecord.LONGS + field);
  }

  long task(long record) {
    return word(record, 0);
  }

  long parent(long record) {
    return word(record, 1);
  }

  /**
   * Checks one record.
   *
   * @throws StoreException if it is damaged
   */
  void check(long record) {
    String problem =
        LineageRecord.problem(
            word(record, 0), word(record, 1), word(record, 2), word(record, 3), stages.size());
    if (problem != null) {
      throw corrupt(file, "record " + record + ": " + problem);
    }
  }

  /** One record as an event (checked). */
  LineageEvent event(long record) {
    check(record);
    long meta = word(record, 3);
    return new LineageEvent(
        word(record, 0),
        word(record, 1),
        stages.get(LineageRecord.stage(meta)),
        LineageEvent.Kind.of(LineageRecord.kind(meta)),
        LineageRecord.attempt(meta),
        Instant.ofEpochMilli(word(record, 2)));
  }
}
