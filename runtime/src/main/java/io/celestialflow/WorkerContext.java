package io.celestialflow;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one worker accumulates while it processes a chunk of tasks: per-outlet output buffers and
 * the outcome tallies. Outputs leave in chunks ({@link #flushIfFull()}, {@link #flushAll()}) and
 * tallies are published to the stage's striped counters once per chunk ({@link #settle()}), which
 * is what keeps small tasks cheap.
 *
 * <h2>Lingering</h2>
 *
 * A worker that finished ten quick tasks and is now stuck in a slow one must not hold the ten
 * results back. While the worker is inside a user function ({@link #enterTask()} … {@link
 * #exitTask()}), the run's linger timer may take over the context: if it sees the worker in the
 * same task at two consecutive ticks, it flushes the buffers (without waiting for room) and settles
 * the tallies on the worker's behalf. A small state machine decides who owns the buffers: the
 * worker ({@code OWNED}), nobody while the user's code runs ({@code IN_TASK}), or the timer ({@code
 * FLUSHING}). The worker pays one release store and one uncontended CAS per task.
 *
 * <p>Buffers are only flushed between tasks (by the worker) or while the worker is inside a task
 * (by the timer), so the outputs of the task in progress can always be rolled back if it fails
 * halfway: a splitter whose iterator throws emits nothing.
 */
final class WorkerContext {
  private static final int OWNED = 0;
  private static final int IN_TASK = 1;
  private static final int FLUSHING = 2;

  private final StageRuntime stage;
  private final Outlet[] outlets;
  private final int edgeCount;
  private final int chunkSize;
  private final int initialCapacity;
  private final boolean mayBlock;
  private final Object[][] buffers;
  private final int[] lengths;
  private final int[] marks;
  private long markEmitted;
  private int[] routeScratch = new int[1];

  private final AtomicInteger state = new AtomicInteger(OWNED);
  private long taskSeq;
  private long lastSeenSeq = -1;

  int succeeded;
  int failed;
  int duplicates;
  int done;
  long emitted;

  /**
   * @param initialCapacity the initial size of each output buffer
   * @param mayBlock whether delivering may wait for room downstream (false on threads that are not
   *     the engine's, such as the completion threads of asynchronous stages)
   */
  WorkerContext(StageRuntime stage, int initialCapacity, boolean mayBlock) {
    this.stage = stage;
    this.outlets = stage.outlets();
    this.edgeCount = stage.edgeCount();
    this.chunkSize = stage.chunkSize();
    this.initialCapacity = initialCapacity;
    this.mayBlock = mayBlock;
    this.buffers = new Object[outlets.length][];
    this.lengths = new int[outlets.length];
    this.marks = new int[outlets.length];
    for (int i = 0; i < outlets.length; i++) {
      buffers[i] = new Object[initialCapacity];
    }
  }

  /** Sends an output to every edge and every sink. */
  void emitAll(Object value) {
    for (int i = 0; i < outlets.length; i++) {
      add(i, value);
    }
    emitted++;
  }

  /** Sends an output along the given edges (by edge index) and to every sink. */
  void emitRouted(int[] edges, int count, Object value) {
    for (int k = 0; k < count; k++) {
      add(edges[k], value);
    }
    for (int i = edgeCount; i < outlets.length; i++) {
      add(i, value);
    }
    emitted++;
  }

  private void add(int outlet, Object value) {
    Object[] buf = buffers[outlet];
    int n = lengths[outlet];
    if (n == buf.length) {
      buf = Arrays.copyOf(buf, Math.max(4, n * 2));
      buffers[outlet] = buf;
    }
    buf[n] = value;
    lengths[outlet] = n + 1;
  }

  /** A reusable array for a router's target indices. */
  int[] routeScratch(int n) {
    if (routeScratch.length < n) {
      routeScratch = new int[n];
    }
    return routeScratch;
  }

  /** Remembers the buffer positions before a task runs. */
  void mark() {
    System.arraycopy(lengths, 0, marks, 0, lengths.length);
    markEmitted = emitted;
  }

  /** Forgets the outputs of the task that just failed. */
  void rollback() {
    // Slots past the mark are simply overwritten later; a chunk only ever exposes [0, length).
    System.arraycopy(marks, 0, lengths, 0, lengths.length);
    emitted = markEmitted;
  }

  // ---------------------------------------------------------------- hand-off with the timer

  /** The worker is about to run user code: the timer may flush on its behalf meanwhile. */
  void enterTask() {
    taskSeq++;
    state.setRelease(IN_TASK);
  }

  /** The worker is back from user code and owns its buffers again. */
  void exitTask() {
    while (!state.compareAndSet(IN_TASK, OWNED)) {
      Thread.onSpinWait(); // the timer is flushing: a few microseconds at most
    }
  }

  /**
   * Called by the run's linger timer. If the worker has been inside the same task since the last
   * tick, publishes what it completed before that task.
   */
  void lingerCheck() {
    if (state.get() != IN_TASK) {
      lastSeenSeq = -1;
      return;
    }
    long seq = taskSeq; // read after the acquire above: the worker's release published it
    if (seq != lastSeenSeq) {
      lastSeenSeq = seq;
      return;
    }
    if (!state.compareAndSet(IN_TASK, FLUSHING)) {
      return;
    }
    try {
      for (int i = 0; i < outlets.length; i++) {
        if (lengths[i] > 0) {
          Chunk chunk = takeBuffer(i);
          try {
            outlets[i].deliver(chunk, false);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a non-blocking delivery does not wait
          }
        }
        marks[i] = 0; // the worker is between mark() and its outputs: nothing of its own is lost
      }
      markEmitted = emitted;
      settle();
    } finally {
      state.set(IN_TASK);
    }
  }

  // ---------------------------------------------------------------- flushing

  void flushIfFull() throws InterruptedException {
    for (int i = 0; i < outlets.length; i++) {
      if (lengths[i] >= chunkSize) {
        outlets[i].deliver(takeBuffer(i), mayBlock);
      }
    }
  }

  void flushAll() throws InterruptedException {
    for (int i = 0; i < outlets.length; i++) {
      if (lengths[i] > 0) {
        outlets[i].deliver(takeBuffer(i), mayBlock);
      }
    }
  }

  boolean hasBuffered() {
    for (int length : lengths) {
      if (length > 0) {
        return true;
      }
    }
    return false;
  }

  private Chunk takeBuffer(int i) {
    Chunk chunk = new Chunk(buffers[i], 0, lengths[i]);
    buffers[i] = new Object[initialCapacity];
    lengths[i] = 0;
    return chunk;
  }

  /** Cancellation: hands every buffered output over without waiting; none is lost. */
  void abandonAll() {
    for (int i = 0; i < outlets.length; i++) {
      if (lengths[i] > 0) {
        outlets[i].abandon(takeBuffer(i));
      }
    }
  }

  /** Publishes the tallies to the stage's counters and releases the finished tasks. */
  void settle() {
    stage.settle(succeeded, failed, duplicates, done, emitted);
    succeeded = 0;
    failed = 0;
    duplicates = 0;
    done = 0;
    emitted = 0;
  }
}
