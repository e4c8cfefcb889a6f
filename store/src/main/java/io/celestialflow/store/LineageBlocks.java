package io.celestialflow.store;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The blocks of a lineage log of version 4 ({@link LineageBlockFormat}) opened for reading: found
 * by walking their headers once, their records numbered across the log and decoded a block at a
 * time as a trace needs them (the last {@value #DECODED} decoded blocks are kept). A block cut
 * short at the end of the log is left out; a damaged one is a {@link StoreException} naming the
 * file and the block's position.
 */
final class LineageBlocks {
  private static final int DECODED = 64;

  /** Takes the records of one block, as two words each. */
  interface BlockConsumer {
    void accept(long[] words, int records, long firstRecord);
  }

  private final LineageReader reader;
  private final LineageBlockFormat.Header[] headers;
  private final long[] first; // the number of each block's first record; one more: the total
  private final long end;
  private final Map<Integer, long[]> decoded =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, long[]> eldest) {
          return size() > DECODED;
        }
      };

  private LineageBlocks(
      LineageReader reader, LineageBlockFormat.Header[] headers, long[] first, long end) {
    this.reader = reader;
    this.headers = headers;
    this.first = first;
    this.end = end;
  }

  /**
   * Walks the blocks of a log from {@code start}, where its header ends.
   *
   * @throws StoreException if a block's header is damaged
   */
  static LineageBlocks walk(LineageReader reader, long start) {
    LineageBlockFormat.Header[] headers = new LineageBlockFormat.Header[64];
    long[] first = new long[65];
    int n = 0;
    long position = start;
    while (position + LineageBlockFormat.HEADER <= reader.size()) {
      LineageBlockFormat.Header h = LineageBlockFormat.Header.read(reader, position);
      String problem = h.problem();
      if (problem != null) {
        throw LineageLog.corrupt(reader.path(), "the block at byte " + position + ": " + problem);
      }
      if (h.end() > reader.size()) {
        break; // cut short: the process ended while the writer appended it
      }
      if (n == headers.length) {
        headers = Arrays.copyOf(headers, 2 * n);
        first = Arrays.copyOf(first, 2 * n + 1);
      }
      headers[n] = h;
      first[n + 1] = first[n] + h.records();
      n++;
      position = h.end();
    }
    return new LineageBlocks(
        reader, Arrays.copyOf(headers, n), Arrays.copyOf(first, n + 1), position);
  }

  /** Records in the log's complete blocks. */
  long records() {
    return first[headers.length];
  }

  /** Where the last complete block ends: what a writer going on with the log keeps. */
  long end() {
    return end;
  }

  /** One word ({@code field} 0 or 1) of a record, as {@link LineageRecord} reads it. */
  long word(long record, int field) {
    if (record < 0 || record >= records()) {
      throw new IndexOutOfBoundsException("record " + record + " of " + records());
    }
    int block = Arrays.binarySearch(first, 0, headers.length, record);
    if (block < 0) {
      block = -block - 2; // the block whose first record is the greatest not above it
    }
    long[] words = decoded.get(block);
    if (words == null) {
      words = decode(block);
      decoded.put(block, words);
    }
    return words[(int) (2 * (record - first[block]) + field)];
  }

  /**
   * Decodes every block in order.
   *
   * @throws StoreException if a block is damaged
   */
  void forEach(BlockConsumer blocks) {
    for (int b = 0; b < headers.length; b++) {
      blocks.accept(decode(b), headers[b].records(), first[b]);
    }
  }

  private long[] decode(int block) {
    LineageBlockFormat.Header h = headers[block];
    long[] words = new long[2 * h.records()];
    String problem = LineageBlockFormat.decode(h, reader.bytes(h.body(), h.length()), words);
    if (problem != null) {
      throw LineageLog.corrupt(file(), "the block at byte " + h.position() + ": " + problem);
    }
    return words;
  }

  private Path file() {
    return reader.path();
  }
}
