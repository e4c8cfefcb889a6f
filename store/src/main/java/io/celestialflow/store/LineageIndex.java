package io.celestialflow.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * from one read of the log by counting sort — O(events + highest id), no comparisons — by the first
 * trace of a run (the run itself does no index work), and written as {@code <run>.idx} for later
 * traces: a 32-byte header (magic, version, highest id, records covered, children) and four int
 * arrays, read back in blocks as a trace needs them.
 */
final class LineageIndex {
  private static final byte[] MAGIC = "CFLINIDX".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int HEADER = 32;
  private static final int LIMIT = Integer.MAX_VALUE - 16;

  /** An int array, in memory or in a file. */
  private interface Ints {
    int get(int i);
  }

  private record ArrayInts(int[] array) implements Ints {
    @Override
    public int get(int i) {
      return array[i];
    }
  }

  /** {@code length} ints from {@code base} in an index file; reading past them is an error. */
  private record FileInts(LineageReader reader, long base, long length) implements Ints {
    @Override
    public int get(int i) {
      if (i < 0 || i >= length) {
        throw new IndexOutOfBoundsException("entry " + i + " of " + length);
      }
      return reader.getInt(base + 4L * i);
    }
  }

  private final @Nullable LineageReader reader;
  private final int maxId;
  private final long records;
  private final Ints taskStart;
  private final Ints order;
  private final Ints childStart;
  private final Ints children;

  private LineageIndex(
      @Nullable LineageReader reader,
      int maxId,
      long records,
      Ints taskStart,
      Ints order,
      Ints childStart,
      Ints children) {
    this.reader = reader;
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
    Builder b = new Builder();
    log.scan(b::add);
    LineageIndex index = b.build();
    if (index == null) {
      throw new StoreException(
          "lineage log " + log.file() + " has task ids too high to index (over " + LIMIT + ")");
    }
    return index;
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
        null,
        maxId,
        n,
        new ArrayInts(taskStart),
        new ArrayInts(order),
        new ArrayInts(childStart),
        new ArrayInts(children));
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

  /** Collects, while a log is scanned, the task of each record and the parent of each task. */
  private static final class Builder {
    private int[] taskOf = new int[LineageBuffers.EVENTS];
    private int[] parentOf = new int[LineageBuffers.EVENTS];
    private int n;
    private int maxId;
    private boolean tooHigh;

    /** Adds a block of records, as read from the log. */
    void add(long[] events, int count) {
      if (tooHigh) {
        return;
      }
      if ((long) n + count > LIMIT) {
        tooHigh = true;
        return;
      }
      if (n + count > taskOf.length) {
        taskOf =
            Arrays.copyOf(taskOf, (int) Math.min(LIMIT, Math.max(n + count, 2L * taskOf.length)));
      }
      for (int i = 0; i < count; i++) {
        long task = LineageRecord.task(events[2 * i]); // 0: a time record, indexed as task 0
        if (task > LIMIT) {
          tooHigh = true;
          return;
        }
        int t = (int) task;
        if (t >= parentOf.length) {
          parentOf =
              Arrays.copyOf(
                  parentOf, (int) Math.min(LIMIT + 1L, Math.max(t + 1L, 2L * parentOf.length)));
        }
        taskOf[n++] = t;
        parentOf[t] = parent(LineageRecord.parent(events[2 * i + 1]));
        maxId = Math.max(maxId, t);
      }
    }

    /** The index, or null if a task id was too high. */
    @Nullable LineageIndex build() {
      return tooHigh ? null : of(n, maxId, taskOf, parentOf);
    }
  }

  /**
   * Writes the index next to its log: to a temporary file of its own, then renamed into place, so
   * that traces writing the same index at once (threads or processes) each put a whole file there.
   */
  void write(Path file) throws IOException {
    // A name no other thread or process on this machine uses, created new (not with
    // Files.createTempFile, whose owner-only permissions would hide the index from other users).
    String unique =
        ProcessHandle.current().pid()
            + "-"
            + Thread.currentThread().threadId()
            + "-"
            + System.nanoTime();
    Path tmp = file.resolveSibling(file.getFileName() + "." + unique + ".tmp");
    FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      try (c) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(VERSION).putInt(maxId).putLong(records);
        header.putInt(((ArrayInts) children).array().length).putInt(0).flip();
        writeFully(c, header);
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (Ints a : new Ints[] {taskStart, order, childStart, children}) {
          int[] array = ((ArrayInts) a).array();
          for (int i = 0; i < array.length; i += chunk.capacity() / 4) {
            int len = Math.min(chunk.capacity() / 4, array.length - i);
            chunk.clear();
            chunk.asIntBuffer().put(array, i, len);
            chunk.limit(len * 4);
            writeFully(c, chunk);
          }
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp); // left only if the move did not happen
    }
  }

  private static void writeFully(FileChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  /**
   * Opens an index; its arrays are read as needed (close it when done).
   *
   * @throws StoreException if it is damaged
   */
  static LineageIndex read(Path file) {
    LineageReader r = new LineageReader(file);
    try {
      long size = r.size();
      byte[] head = r.bytes(0, HEADER);
      if (head.length < HEADER) {
        throw LineageLog.corrupt(file, "it is shorter than its header (" + size + " bytes)");
      }
      ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
      byte[] magic = new byte[MAGIC.length];
      h.get(magic);
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
      Ints taskStart = new FileInts(r, at, ids);
      Ints order = new FileInts(r, at += 4 * ids, records);
      Ints childStart = new FileInts(r, at += 4 * records, ids);
      Ints children = new FileInts(r, at + 4 * ids, kids);
      return new LineageIndex(r, maxId, records, taskStart, order, childStart, children);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** Closes the file of an index that was read. */
  void close() {
    if (reader != null) {
      reader.close();
    }
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
