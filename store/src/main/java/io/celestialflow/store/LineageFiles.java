package io.celestialflow.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer side of lineage: one append-only log per run in the store directory's {@code lineage}
 * folder ({@code <run>.log}: a header with the stage table, then {@link LineageBlockFormat
 * blocks}). The writer only appends the engine's blocks as they come, with no work per record; the
 * index ({@code <run>.idx}, see {@link LineageIndex}) is built by the run's first trace. Owned by
 * the writer thread. Each run has its own files, so runs of several processes sharing a store do
 * not meet.
 */
final class LineageFiles implements AutoCloseable {
  /** The folder of the logs inside a store directory. */
  static final String DIRECTORY = "lineage";

  static final byte[] MAGIC = "CFLINLOG".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 4; // 4: blocks (3: 16-byte records and times; 2: 24 bytes; 1: 32)

  private final Path root;
  private final Path directory;
  private final boolean durable;
  private final Map<String, FileChannel> open = new HashMap<>();

  /**
   * @param storeDirectory the store directory
   * @param durable whether a run's log is synced to disk when the run ends
   */
  LineageFiles(Path storeDirectory, boolean durable) {
    this.root = storeDirectory;
    this.directory = storeDirectory.resolve(DIRECTORY);
    this.durable = durable;
  }

  /** A run's log. */
  static Path log(Path storeDirectory, String runId) {
    return storeDirectory.resolve(DIRECTORY).resolve(fileName(runId) + ".log");
  }

  /** A run's index. */
  static Path index(Path storeDirectory, String runId) {
    return storeDirectory.resolve(DIRECTORY).resolve(fileName(runId) + ".idx");
  }

  /** The run id as a file name: letters, digits, '-' and '_' as they are, the rest as %XX. */
  static String fileName(String runId) {
    StringBuilder out = new StringBuilder(runId.length());
    for (byte b : runId.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }

  /** Handles the lineage entries of a batch, in order; other entries are left alone. */
  void write(List<Entry> batch) throws IOException {
    for (Entry e : batch) {
      if (e instanceof Entry.LineageBlock b) {
        append(b);
      } else if (e instanceof Entry.LineageEnd end) {
        end(end.runId());
      }
    }
  }

  private void append(Entry.LineageBlock b) throws IOException {
    FileChannel channel = open.get(b.runId());
    if (channel == null) {
      channel = openLog(b.runId(), b.stages());
      open.put(b.runId(), channel);
    }
    ByteBuffer[] block = {
      LineageBlockFormat.header(b.body(), b.length(), b.records(), b.events()),
      ByteBuffer.wrap(b.body(), 0, b.length())
    };
    while (block[1].hasRemaining()) {
      channel.write(block);
    }
  }

  private FileChannel openLog(String runId, List<String> stages) throws IOException {
    Files.createDirectories(directory);
    Path log = log(root, runId);
    FileChannel c =
        FileChannel.open(
            log, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      if (c.size() == 0) {
        ByteBuffer header = header(stages);
        while (header.hasRemaining()) {
          c.write(header);
        }
      } else {
        // The run goes on in a log begun before (a store reopened in the same process): drop a
        // torn last block, and the index of the log so far (a trace would rebuild it anyway).
        try (LineageLog sound = LineageLog.open(log)) {
          if (sound.version() != VERSION) {
            throw new StoreException(
                "lineage log "
                    + log
                    + " was written by an earlier build (version "
                    + sound.version()
                    + "); this build appends only to logs of version "
                    + VERSION);
          }
          c.truncate(sound.end());
        }
        Files.deleteIfExists(index(root, runId));
      }
      c.position(c.size());
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Magic, version, header size, stage count, then each stage as length and UTF-8; padded. */
  private static ByteBuffer header(List<String> stages) {
    int size = MAGIC.length + 12;
    byte[][] names = new byte[stages.size()][];
    for (int i = 0; i < names.length; i++) {
      names[i] = stages.get(i).getBytes(StandardCharsets.UTF_8);
      size += 4 + names[i].length;
    }
    int padded = (size + LineageRecord.BYTES - 1) / LineageRecord.BYTES * LineageRecord.BYTES;
    ByteBuffer h = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
    h.put(MAGIC).putInt(VERSION).putInt(padded).putInt(names.length);
    for (byte[] n : names) {
      h.putInt(n.length).put(n);
    }
    return h.clear();
  }

  /** The run has ended: its log is closed (and synced, if durable), to be indexed when traced. */
  private void end(String runId) throws IOException {
    try (FileChannel channel = open.remove(runId)) {
      if (channel != null && durable) {
        channel.force(true);
      }
    }
  }

  /** Closes the logs of runs still open. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (FileChannel channel : open.values()) {
      try {
        channel.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
