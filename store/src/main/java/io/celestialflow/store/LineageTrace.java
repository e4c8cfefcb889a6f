package io.celestialflow.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@link RunStore#trace} over a run's lineage files: the log and its index ({@link LineageIndex}).
 * The first trace of a run builds the index from the log and writes it beside it for the later ones
 * (in this process or another); so does a trace that finds the log grown past its index (the run
 * was still going). Each call opens the files afresh and reads only the blocks it needs: nothing is
 * cached between calls.
 */
final class LineageTrace implements AutoCloseable {
  /**
   * Oldest first, then by attempt and kind. A class rather than lambdas: {@code trace} runs once
   * per process from the command line, where bootstrapping lambdas would cost more than the trace.
   */
  private static final class ByTime implements Comparator<LineageEvent> {
    @Override
    public int compare(LineageEvent a, LineageEvent b) {
      int c = a.at().compareTo(b.at());
      if (c == 0) {
        c = Integer.compare(a.attempt(), b.attempt());
      }
      return c != 0 ? c : Integer.compare(a.kind().code(), b.kind().code());
    }
  }

  private static final Comparator<LineageEvent> BY_TIME = new ByTime();

  private final LineageLog log;
  private final LineageIndex index;

  private LineageTrace(LineageLog log, LineageIndex index) {
    this.log = log;
    this.index = index;
  }

  /**
   * Opens a run's lineage.
   *
   * @return null if the run recorded none
   * @throws StoreException if its files are damaged
   */
  static @Nullable LineageTrace open(Path storeDirectory, String runId) {
    Path logFile = LineageFiles.log(storeDirectory, runId);
    if (!Files.exists(logFile)) {
      return null;
    }
    LineageLog log = LineageLog.open(logFile);
    try {
      return new LineageTrace(log, index(log, LineageFiles.index(storeDirectory, runId)));
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  /** The log's index: its file when that covers the log, else built from the log. */
  private static LineageIndex index(LineageLog log, Path indexFile) {
    LineageIndex index = null;
    if (Files.exists(indexFile)) {
      try {
        index = LineageIndex.read(indexFile);
      } catch (StoreException e) {
        if (Files.exists(indexFile)) {
          throw e;
        } // else: replaced while read (the run went on in a reopened store); build below
      }
    }
    if (index != null && index.records() > log.records()) {
      index.close();
      throw LineageLog.corrupt(
          log.file(),
          "it holds "
              + log.records()
              + " events where its index "
              + indexFile.getFileName()
              + " covers "
              + index.records()
              + " (cut short?)");
    }
    if (index == null || index.records() < log.records()) {
      if (index != null) {
        index.close();
      }
      index = LineageIndex.build(log); // no index yet, or events came after it was built
      try {
        index.write(indexFile);
      } catch (java.io.IOException | RuntimeException e) {
        // A directory this process cannot write: the trace goes on with the index in memory.
      }
    }
    return index;
  }

  @Override
  public void close() {
    index.close();
    log.close();
  }

  /** The highest task id in a run's lineage, 0 if it recorded none. */
  static long lastTask(Path storeDirectory, String runId) {
    try (LineageTrace t = open(storeDirectory, runId)) {
      return t == null ? 0 : t.index.maxId();
    }
  }

  /** A task's trace: its events, its ancestors' (the input first) and up to {@code limit} more. */
  static Trace trace(Path storeDirectory, String runId, long taskId, int limit) {
    try (LineageTrace t = open(storeDirectory, runId)) {
      if (t == null) {
        return new Trace(runId, taskId, List.of(), List.of(), List.of(), false);
      }
      try {
        return t.trace(runId, taskId, limit);
      } catch (IndexOutOfBoundsException e) {
        throw LineageLog.corrupt(
            t.log.file(), "its index points outside it (" + e.getMessage() + ")");
      }
    }
  }

  private Trace trace(String runId, long taskId, int limit) {
    List<LineageEvent> self = events(taskId);
    if (self.size() > limit) {
      self = self.subList(0, limit);
    }
    List<LineageEvent> up = new ArrayList<>();
    long parent = self.isEmpty() ? 0 : self.get(0).parentId();
    for (int steps = 0; parent != 0 && up.size() < limit; steps++) {
      if (steps > index.maxId()) {
        throw LineageLog.corrupt(log.file(), "the ancestors of task " + taskId + " form a cycle");
      }
      List<LineageEvent> events = events(parent);
      if (events.isEmpty()) {
        break; // an ancestor whose events were not recorded (dropped)
      }
      up.addAll(0, events);
      parent = events.get(0).parentId();
    }
    if (up.size() > limit) {
      up = up.subList(up.size() - limit, up.size());
    }
    // Breadth first from the task, until more than `limit` events are found.
    List<Long> found = new ArrayList<>();
    int events = 0;
    for (int next = -1; next < found.size() && events <= limit; next++) {
      long from = next < 0 ? taskId : found.get(next);
      for (int p = index.childrenFrom(from); p < index.childrenTo(from) && events <= limit; p++) {
        long child = index.child(p);
        if (child != taskId) {
          if (found.size() > index.maxId()) {
            throw LineageLog.corrupt(
                log.file(), "the descendants of task " + taskId + " form a cycle");
          }
          found.add(child);
          events += index.eventsTo(child) - index.eventsFrom(child);
        }
      }
    }
    long[] ids = new long[found.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = found.get(i);
    }
    Arrays.sort(ids);
    List<LineageEvent> down = new ArrayList<>();
    for (int i = 0; i < ids.length && down.size() <= limit; i++) {
      if (i == 0 || ids[i] != ids[i - 1]) {
        down.addAll(events(ids[i]));
      }
    }
    boolean truncated = down.size() > limit;
    if (truncated) {
      down = down.subList(0, limit);
    }
    return new Trace(runId, taskId, up, self, down, truncated);
  }

  /** A task's events, oldest first; each checked against its task id. */
  private List<LineageEvent> events(long task) {
    int from = index.eventsFrom(task);
    int to = index.eventsTo(task);
    if (to <= from) {
      return List.of();
    }
    LineageEvent[] out = new LineageEvent[to - from];
    for (int p = from; p < to; p++) {
      LineageEvent e = log.event(index.record(p));
      if (e.taskId() != task) {
        throw LineageLog.corrupt(
            log.file(), "its index lists an event of task " + e.taskId() + " under " + task);
      }
      out[p - from] = e;
    }
    if (out.length > 1) {
      Arrays.sort(out, BY_TIME);
    }
    return out.length == 1 ? List.of(out[0]) : Collections.unmodifiableList(Arrays.asList(out));
  }
}
