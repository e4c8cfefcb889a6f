package io.celestialflow.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The index of a run's lineage log, dense by task id (task ids are unique in a run and count from
 * 1): for each task the log records of its events, and for each task the ids of its children. Built
 * by counting sort in two passes over the log — O(events + highest id), no comparisons — when the
 * run ends, and written as {@code <run>.idx}: a 32-byte header (magic, version, highest id, records
 * covered, children) and four int arrays, read back memory-mapped. A run that did not end (killed)
 * has no index; {@code trace} then builds one in memory from the log.
 */
final class LineageIndex {
  private static final byte[] MAGIC = "CFLINIDX".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int HEADER = 32;
  private static final int LIMIT = Integer.MAX_VALUE - 16;

  private final int maxId;
  private final long records;
  private final IntBuffer taskStart;
  private final IntBuffer order;
  private final IntBuffer childStart;
  private final IntBuffer children;

  private LineageIndex(
      int maxId,
      long records,
      IntBuffer taskStart,
      IntBuffer order,
      IntBuffer childStart,
      IntBuffer children) {
    this.maxId = maxId;
    this.records = records;
    this.taskStart = taskStart;
    this.order = order;
    this.childStart = childStart;
    this.children = children;
  }

  /**
   * Indexes a log, checking every record.
   *
   * @throws StoreException if a record is damaged or the log is too big to index
   */
  static LineageIndex build(LineageLog log) {
    if (log.records() > LIMIT) {
      throw new StoreException(
          "lineage log " + log.file() + " has " + log.records() + " events, too many to index");
    }
    int n = (int) log.records();
    long max = 0;
    for (int i = 0; i < n; i++) {
      log.check(i);
      max = Math.max(max, log.task(i));
    }
    if (max > LIMIT) {
      throw new StoreException(
          "lineage log " + log.file() + " has task ids up to " + max + ", too high to index");
    }
    int[] taskOf = new int[n];
    int[] parentOf = new int[(int) max + 1];
    for (int i = 0; i < n; i++) {
      int t = (int) log.task(i);
      taskOf[i] = t;
      parentOf[t] = parent(log.parent(i));
    }
    return of(n, (int) max, taskOf, parentOf);
  }

  /** A parent id as the index keeps it: 0 when it is too high to be a task of the index. */
  static int parent(long id) {
    return id > LIMIT ? 0 : (int) id;
  }

  /**
   * The index of {@code n} records, record i being an event of task {@code taskOf[i]}, whose parent
   * is {@code parentOf[t]}: counting sorts by task, then by parent.
   */
  static LineageIndex of(int n, int maxId, int[] taskOf, int[] parentOf) {
    int[] taskStart = new int[maxId + 2];
    for (int i = 0; i < n; i++) {
      taskStart[taskOf[i] + 1]++;
    }
    int[] order = new int[n];
    prefix(taskStart);
    for (int i = 0; i < n; i++) {
      order[taskStart[taskOf[i]]++] = i;
    }
    unshift(taskStart);
    int[] childStart = new int[maxId + 2];
    int kids = 0;
    for (int t = 1; t <= maxId; t++) {
      int p = parentOf[t];
      if (taskStart[t + 1] > taskStart[t] && p >= 1 && p <= maxId) {
        childStart[p + 1]++;
        kids++;
      }
    }
    int[] children = new int[kids];
    prefix(childStart);
    for (int t = 1; t <= maxId; t++) {
      int p = parentOf[t];
      if (taskStart[t + 1] > taskStart[t] && p >= 1 && p <= maxId) {
        children[childStart[p]++] = t; // ascending: children in id order
      }
    }
    unshift(childStart);
    return new LineageIndex(
        maxId,
        n,
        IntBuffer.wrap(taskStart),
        IntBuffer.wrap(order),
        IntBuffer.wrap(childStart),
        IntBuffer.wrap(children));
  }

  private static void prefix(int[] a) {
    for (int i = 1; i < a.length; i++) {
      a[i] += a[i - 1];
    }
  }

  /** After placing, {@code a[k]} is the end of key k: shift back so that it is its start. */
  private static void unshift(int[] a) {
    System.arraycopy(a, 0, a, 1, a.length - 1);
    a[0] = 0;
  }

  /**
   * Collects what the index needs while a run's log is written, so that its end only sorts: the
   * task of each record and the parent of each task. Gives up (and the log is read back instead)
   * past {@link #MAX_EVENTS} events or ids, to bound the memory a long run holds.
   */
  static final class Builder {
    static final int MAX_EVENTS = 1 << 25;

    private int[] taskOf = new int[LineageBuffers.EVENTS];
    private int[] parentOf = new int[LineageBuffers.EVENTS];
    private int n;
    private int maxId;
    private boolean given;

    /** Adds a block of records, as appended to the log. */
    void add(long[] events, int count) {
      if (given) {
        return;
      }
      if (n + count > MAX_EVENTS) {
        giveUp();
        return;
      }
      if (n + count > taskOf.length) {
        taskOf = Arrays.copyOf(taskOf, Math.max(n + count, 2 * taskOf.length));
      }
      for (int i = 0; i < count; i++) {
        long task = events[i * LineageRecord.LONGS];
        if (task > MAX_EVENTS) {
          giveUp();
          return;
        }
        int t = (int) task;
        if (t >= parentOf.length) {
          parentOf = Arrays.copyOf(parentOf, Math.max(t + 1, 2 * parentOf.length));
        }
        taskOf[n++] = t;
        parentOf[t] = parent(events[i * LineageRecord.LONGS + 1]);
        maxId = Math.max(maxId, t);
      }
    }

    /** Stops collecting: the index will be built from the log. */
    void giveUp() {
      given = true;
      taskOf = new int[0];
      parentOf = new int[0];
    }

    /** The index, or null if this builder gave up. */
    @Nullable LineageIndex build() {
      return given ? null : of(n, maxId, taskOf, parentOf);
    }
  }

  /** Writes the index next to its log: to a temporary file, then renamed into place. */
  void write(Path file, boolean durable) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel c =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      header.put(MAGIC).putInt(VERSION).putInt(maxId).putLong(records);
      header.putInt(children.capacity()).putInt(0).flip();
      writeFully(c, header);
      ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (IntBuffer a : new IntBuffer[] {taskStart, order, childStart, children}) {
        int[] array = a.array();
        for (int i = 0; i < array.length; i += chunk.capacity() / 4) {
          int len = Math.min(chunk.capacity() / 4, array.length - i);
          chunk.clear();
          chunk.asIntBuffer().put(array, i, len);
          chunk.limit(len * 4);
          writeFully(c, chunk);
        }
      }
      if (durable) {
        c.force(true);
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeFully(FileChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  /**
   * Reads an index, memory-mapped.
   *
   * @throws StoreException if it is damaged
   */
  static LineageIndex read(Path file) {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = c.size();
      ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      while (h.hasRemaining() && c.read(h, h.position()) > 0) {
        // read on
      }
      if (h.hasRemaining()) {
        throw LineageLog.corrupt(file, "it is shorter than its header (" + size + " bytes)");
      }
      byte[] magic = new byte[MAGIC.length];
      h.flip().get(magic);
      int version = h.getInt();
      int maxId = h.getInt();
      long records = h.getLong();
      int kids = h.getInt();
      if (!Arrays.equals(magic, MAGIC) || version != VERSION) {
        throw LineageLog.corrupt(
            file, "it does not begin as a lineage index of version " + VERSION);
      }
      if (maxId < 0 || maxId > LIMIT || records < 0 || records > LIMIT || kids < 0) {
        throw LineageLog.corrupt(file, "its header does not fit");
      }
      long ids = maxId + 2L;
      long expected = HEADER + 4 * (ids + records + ids + kids);
      if (size != expected) {
        throw LineageLog.corrupt(
            file, "it has " + size + " bytes where its header promises " + expected);
      }
      long at = HEADER;
      IntBuffer taskStart = map(c, at, ids);
      IntBuffer order = map(c, at += 4 * ids, records);
      IntBuffer childStart = map(c, at += 4 * records, ids);
      IntBuffer children = map(c, at + 4 * ids, kids);
      return new LineageIndex(maxId, records, taskStart, order, childStart, children);
    } catch (IOException e) {
      throw new StoreException("cannot read the lineage index " + file + ": " + e, e);
    }
  }

  private static IntBuffer map(FileChannel c, long at, long ints) throws IOException {
    return c.map(FileChannel.MapMode.READ_ONLY, at, 4 * ints)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asIntBuffer();
  }

  /** The highest task id. */
  int maxId() {
    return maxId;
  }

  /** The log records the index covers. */
  long records() {
    return records;
  }

  /** Where task {@code t}'s events begin in {@link #record}'s order (0 for an unknown id). */
  int eventsFrom(long t) {
    return t < 1 || t > maxId ? 0 : taskStart.get((int) t);
  }

  /** Where task {@code t}'s events end. */
  int eventsTo(long t) {
    return t < 1 || t > maxId ? 0 : taskStart.get((int) t + 1);
  }

  /** The log record at a position of the task order. */
  int record(int position) {
    return order.get(position);
  }

  int childrenFrom(long t) {
    return t < 1 || t > maxId ? 0 : childStart.get((int) t);
  }

  int childrenTo(long t) {
    return t < 1 || t > maxId ? 0 : childStart.get((int) t + 1);
  }

  int child(int position) {
    return children.get(position);
  }
}
