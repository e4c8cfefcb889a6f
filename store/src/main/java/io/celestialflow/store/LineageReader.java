package io.celestialflow.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a lineage file by blocks of {@value #BLOCK} bytes, each read once and kept (the last
 * {@value #CACHED} of them), so that a trace reads only the parts of the files it needs. Plain
 * reads rather than a memory map: the first map of a process costs tens of milliseconds of JDK
 * set-up, more than a whole trace, and {@code trace} runs once per process from the command line.
 */
final class LineageReader implements AutoCloseable {
  private static final int BLOCK = 8192;
  private static final int CACHED = 4096;

  private final Path path;
  private final RandomAccessFile file;
  private final long size;
  private final Map<Long, ByteBuffer> blocks =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ByteBuffer> eldest) {
          return size() > CACHED;
        }
      };

  /**
   * Opens a file.
   *
   * @throws StoreException if it cannot be read
   */
  LineageReader(Path path) {
    this.path = path;
    try {
      this.file = new RandomAccessFile(path.toFile(), "r");
      this.size = file.length();
    } catch (IOException e) {
      throw new StoreException("cannot read the lineage file " + path + ": " + e, e);
    }
  }

  Path path() {
    return path;
  }

  /** The file's size when it was opened; reads stop there. */
  long size() {
    return size;
  }

  /** The 4-byte little-endian int at a position (a multiple of 4). */
  int getInt(long position) {
    return block(position, 4).getInt((int) (position % BLOCK));
  }

  /** The 8-byte little-endian long at a position (a multiple of 8). */
  long getLong(long position) {
    return block(position, 8).getLong((int) (position % BLOCK));
  }

  /** Bytes from a position, fewer at the end of the file. */
  byte[] bytes(long position, int length) {
    byte[] out = new byte[(int) Math.max(0, Math.min(length, size - position))];
    try {
      file.seek(position);
      file.readFully(out);
    } catch (IOException e) {
      throw new StoreException("cannot read the lineage file " + path + ": " + e, e);
    }
    return out;
  }

  private ByteBuffer block(long position, int length) {
    if (position < 0 || position + length > size) {
      throw new IndexOutOfBoundsException("byte " + position + " of a file of " + size + " bytes");
    }
    long index = position / BLOCK;
    ByteBuffer b = blocks.get(index);
    if (b == null) {
      b = ByteBuffer.wrap(bytes(index * BLOCK, BLOCK)).order(ByteOrder.LITTLE_ENDIAN);
      blocks.put(index, b);
    }
    return b;
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException ignored) {
      // read only: nothing is lost
    }
  }
}
