package io.celestialflow;

import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * An input list (random access: an {@code ArrayList}, {@code List.of}, ...) that the stage's own
 * workers read, a slice at a time, whenever their inbox is empty — instead of a feeder thread
 * copying it into the inbox.
 *
 * <p>A feeder on another core costs more than it saves for small tasks: every chunk it hands over
 * moves the chunk's cache lines, the inbox's lock and the run's counters from one core to the
 * other. Read by the worker that will run them, the tasks stay on one core, and memory is bounded
 * by construction: a slice is read only when a worker wants work. The slice's tasks arrive in the
 * stage (its counters, the run's accounting) as they are read, exactly as a feeder's chunk would.
 *
 * <p>Used when nothing has to happen per task on the way in but, in a run that tracks lineage,
 * giving each task its id (no observer wants to hear of tasks entering the stage, as the run
 * store's journal does: that call may block, and a slice is read under a lock) and the stage runs
 * from the start (the streaming layout, or a stage without predecessors), so that some worker reads
 * the list — and finds it empty, which releases the stage's hold — without waiting for anything.
 */
final class ListInput implements InputReader {
  private final RunEngine run;
  private final StageRuntime target;
  private final List<?> list;
  private final int sourceIndex;
  private final boolean lineage;
  private final ReentrantLock lock = new ReentrantLock();

  // Written under the lock; position is volatile so that progress() reads it without the lock.
  private volatile int position;
  // The tasks among the elements read (nulls excluded): where a null is reported to be.
  private long read;
  private boolean closed;

  private volatile boolean exhausted;
  private volatile boolean failed;

  ListInput(RunEngine run, StageRuntime target, List<?> list, int sourceIndex) {
    this.run = run;
    this.target = target;
    this.list = list;
    this.sourceIndex = sourceIndex;
    this.lineage = run.tracksLineage();
    target.hold();
  }

  /** Whether a source can be read this way into {@code target}. */
  static boolean suits(Object source, RunEngine run, StageRuntime target, boolean streaming) {
    return source instanceof List<?> list
        && list instanceof RandomAccess
        && (!run.tracksLineage() || target.entryObservers() == null)
        && (streaming || !target.hasPendingPredecessors());
  }

  /**
   * Reads the next tasks for one of {@code consumers} workers: a fair share of what is left, at
   * most {@code max}; they are counted into the stage. Null elements are reported and skipped.
   *
   * @return the tasks, or null once the list is used up (or failed, or the run was cancelled)
   */
  @Nullable Chunk pull(int consumers, int max) {
    while (true) {
      Taken t;
      lock.lock();
      try {
        t = take(consumers, max);
      } finally {
        lock.unlock();
      }
      // Outside the lock, as both may call listeners: the failures first, then the stage's hold
      // (after the tasks' arrival, so the stage stays open for them).
      for (InputFailure failure : t.failures()) {
        run.recordInputFailure(failure);
      }
      if (t.closedNow()) {
        target.release(1);
      }
      Chunk chunk = t.chunk();
      if (chunk != null && t.firstId() != 0) {
        // Its ids were reserved under the lock, in list order; the envelopes are made outside it,
        // so that the stage's other workers are not kept waiting meanwhile.
        for (int i = chunk.from; i < chunk.to; i++) {
          chunk.items[i] = Envelope.tracked(chunk.items[i], t.firstId() + i - chunk.from, 0);
        }
      }
      if (chunk != null || t.last()) {
        return chunk;
      }
    }
  }

  /**
   * What one read under the lock gave: the tasks (none if the slice held only nulls), the id of its
   * first task when the run tracks lineage (else 0; the tasks are not wrapped yet), failures to
   * report, whether this read closed the list (its hold on the stage is then released), and whether
   * the list is closed (nothing more to read).
   */
  private record Taken(
      @Nullable Chunk chunk,
      long firstId,
      List<InputFailure> failures,
      boolean closedNow,
      boolean last) {}

  private static final Taken CLOSED_BEFORE = new Taken(null, 0, List.of(), false, true);
  private static final Taken CLOSED_NOW = new Taken(null, 0, List.of(), true, true);

  @SuppressWarnings("NonAtomicVolatileUpdate") // position is only written under the lock
  private Taken take(int consumers, int max) {
    if (closed) {
      return CLOSED_BEFORE;
    }
    if (run.isCancelled()) {
      closed = true; // the rest stays unread: progress() says where it stopped
      return CLOSED_NOW;
    }
    Object[] slice;
    try {
      int left = list.size() - position;
      if (left <= 0) {
        exhausted = true;
        closed = true;
        return CLOSED_NOW;
      }
      int want = Math.min(left, Inbox.fairShare(left, consumers, max));
      slice = list.subList(position, position + want).toArray();
    } catch (RuntimeException error) {
      failed = true;
      closed = true;
      return new Taken(null, 0, List.of(InputFailure.of(target.name(), read, error)), true, true);
    }
    position += slice.length;
    List<InputFailure> nulls = List.of();
    int n = slice.length;
    for (Object task : slice) {
      if (task == null) {
        nulls = new ArrayList<>();
        n = withoutNulls(slice, nulls);
        break;
      }
    }
    read += n;
    long first = lineage && n > 0 ? run.reserveTaskIds(n) : 0; // in list order, as a feeder's
    if (n > 0) {
      target.arrive(n);
    }
    boolean end = position == list.size();
    if (end) {
      exhausted = true;
      closed = true;
    }
    return new Taken(n > 0 ? new Chunk(slice, 0, n) : null, first, nulls, end, end);
  }

  /** Removes the nulls of a slice (in place), adding their reports; returns the tasks left. */
  private int withoutNulls(Object[] slice, List<InputFailure> reports) {
    int n = 0;
    for (int i = 0; i < slice.length; i++) {
      if (slice[i] == null) {
        reports.add(InputFailure.nullTask(target.name(), read + n));
      } else {
        slice[n++] = slice[i];
      }
    }
    return n;
  }

  @Override
  public void start() {
    // Read by the stage's workers.
  }

  @Override
  public void interrupt() {
    boolean release;
    lock.lock();
    try {
      release = !closed;
      closed = true;
    } finally {
      lock.unlock();
    }
    if (release) {
      target.release(1);
    }
  }

  @Override
  public boolean join(long nanos) {
    return true;
  }

  @Override
  public InputProgress progress() {
    return new InputProgress(target.name(), sourceIndex, position, exhausted, failed);
  }
}
