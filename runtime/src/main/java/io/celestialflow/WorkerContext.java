package io.celestialflow;

import io.celestialflow.spi.TaskOutcome;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * What one worker accumulates while it processes tasks: per-outlet output buffers, the outcome
 * tallies, and a block of task ids when the run tracks lineage. Outputs leave in chunks ({@link
 * #flushIfFull()}, {@link #flushAll()}) and tallies are published to the stage's striped counters
 * once per chunk ({@link #settle()}), which is what keeps small tasks cheap.
 *
 * <h2>Lingering</h2>
 *
 * A worker that finished ten quick tasks and is now stuck in a slow one must not hold the ten
 * results back. While the worker is inside a user function ({@link #enterTask()} … {@link
 * #exitTask()}), the run's tick may take over the context: if it sees the worker in the same task
 * at two consecutive ticks, it hands the buffers to a short-lived virtual thread that delivers them
 * without waiting — only where there is room, so the bound on inboxes holds — and settles the
 * tallies once nothing is left buffered. A small state machine decides who owns the buffers: the
 * worker ({@code OWNED}), nobody while the user's code runs ({@code IN_TASK}), or the flusher
 * ({@code FLUSHING}). The worker pays one release store and one uncontended CAS per task; if it
 * comes back while a flush runs (a slow output callback, say), it parks until the flush is done.
 *
 * <p>Buffers are flushed between tasks (by the worker), while the worker is inside a task (by the
 * flusher), or — for a splitter emitting many outputs — while it emits, whenever a buffer holds a
 * chunk. So the outputs of the task in progress can be rolled back if it fails, except those a
 * splitter already handed on (they stay delivered and counted).
 */
final class WorkerContext implements Ticking {
  private static final int OWNED = 0;
  private static final int IN_TASK = 1;
  private static final int FLUSHING = 2;
  private static final int ID_BLOCK = 256;

  private final StageRuntime stage;
  private final RunEngine run;
  private final Outlet[] outlets;
  private final int edgeCount;
  private final int chunkSize;
  private final int initialCapacity;
  private final boolean lineage;
  private final Object[][] buffers;
  private final int[] lengths;
  private final int[] marks;
  private long markEmitted;
  private int[] routeScratch = new int[1];

  /** Per edge, the target stage's observers of entering tasks (null entries: none); or null. */
  private @Nullable Observers @Nullable [] entering;

  private boolean enteringKnown;

  private final AtomicInteger state = new AtomicInteger(OWNED);
  private long taskSeq;
  private long lastSeenSeq = -1;
  private volatile @Nullable Thread waiting;

  /** A synchronous task with a timeout in progress: when it is due, and how to stop it. */
  private volatile long deadline;

  private volatile @Nullable TimedCall timed;

  private long nextId;
  private long idLimit;

  /** Attempts settled for observers of identities only, not yet handed to them; or null. */
  private @Nullable SettledBatch settledBatch;

  int succeeded;
  int failed;
  int duplicates;
  int done;
  long emitted;

  /**
   * @param initialCapacity the initial size of each output buffer
   */
  WorkerContext(StageRuntime stage, int initialCapacity) {
    this.stage = stage;
    this.run = stage.run();
    this.outlets = stage.outlets();
    this.edgeCount = stage.edgeCount();
    this.chunkSize = stage.chunkSize();
    this.initialCapacity = initialCapacity;
    this.lineage = run.tracksLineage();
    this.buffers = new Object[outlets.length][];
    this.lengths = new int[outlets.length];
    this.marks = new int[outlets.length];
    for (int i = 0; i < outlets.length; i++) {
      buffers[i] = new Object[initialCapacity];
    }
  }

  /**
   * Per edge, the target stage's observers of entering tasks, or null if none has any; looked up on
   * first use, when every stage of the run is wired.
   */
  private @Nullable Observers @Nullable [] entering() {
    if (!enteringKnown) {
      @Nullable Observers[] watch = new Observers[edgeCount];
      boolean any = false;
      for (int i = 0; i < edgeCount; i++) {
        if (lineage && outlets[i] instanceof Outlet.ToStage to) {
          watch[i] = to.target().entryObservers();
          any |= watch[i] != null;
        }
      }
      entering = any ? watch : null;
      enteringKnown = true;
    }
    return entering;
  }

  StageRuntime stage() {
    return stage;
  }

  // ---------------------------------------------------------------- emitting

  /** Sends an output of {@code parent} to every edge and every sink. */
  void emitAll(Object value, Object parent) {
    emitAll(value, parent, false);
  }

  /**
   * Sends an output of {@code parent} to every edge and every sink; {@code last}: the output is the
   * last thing done with {@code parent}, a task that succeeded on this synchronous worker and whose
   * observers have been told (then, if it is sent along one edge and only this stage held it, its
   * envelope becomes the output's).
   */
  void emitAll(Object value, Object parent, boolean last) {
    Object item;
    if (!lineage || edgeCount == 0) {
      item = value; // sinks take bare values: no id to give
    } else if (last && edgeCount == 1 && parent instanceof Envelope e && e.exclusive) {
      item = e.becomeOutput(value, newId());
    } else {
      item = Envelope.output(value, newId(), Envelope.id(parent), edgeCount);
    }
    for (int i = 0; i < edgeCount; i++) {
      add(i, item);
    }
    @Nullable Observers[] watch = lineage ? entering() : null;
    if (watch != null) {
      for (int i = 0; i < edgeCount; i++) {
        Observers o = watch[i];
        if (o != null) {
          o.entered(item, stage.name(), -1);
        }
      }
    }
    for (int i = edgeCount; i < outlets.length; i++) {
      add(i, value);
    }
    emitted++;
  }

  /** Sends an output of {@code parent} along the given edges (by edge index) and to every sink. */
  void emitRouted(int[] edges, int count, Object value, Object parent) {
    Object item =
        lineage && count > 0 ? Envelope.output(value, newId(), Envelope.id(parent), count) : value;
    for (int k = 0; k < count; k++) {
      add(edges[k], item);
    }
    @Nullable Observers[] watch = lineage ? entering() : null;
    if (watch != null) {
      for (int k = 0; k < count; k++) {
        Observers o = watch[edges[k]];
        if (o != null) {
          o.entered(item, stage.name(), -1);
        }
      }
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

  /** A new task id (lineage), from a block reserved from the run. */
  private long newId() {
    if (nextId == idLimit) {
      nextId = run.reserveTaskIds(ID_BLOCK);
      idLimit = nextId + ID_BLOCK;
    }
    return nextId++;
  }

  /** Remembers the buffer positions before a task runs. */
  void mark() {
    System.arraycopy(lengths, 0, marks, 0, lengths.length);
    markEmitted = emitted;
  }

  /** Forgets the outputs the task that just failed had not handed on yet. */
  void rollback() {
    // Slots past the mark are simply overwritten later; a chunk only ever exposes [0, length).
    System.arraycopy(marks, 0, lengths, 0, lengths.length);
    emitted = markEmitted;
  }

  // ---------------------------------------------------------------- hand-off with the flusher

  /** The worker is about to run user code: the tick may flush on its behalf meanwhile. */
  void enterTask() {
    taskSeq++;
    state.setRelease(IN_TASK);
  }

  /** The worker is back from user code and owns its buffers again. */
  void exitTask() {
    if (state.compareAndSet(IN_TASK, OWNED)) {
      return;
    }
    // A flush runs on our behalf (it may call a slow output callback): wait for it, parked.
    waiting = Thread.currentThread();
    try {
      while (!state.compareAndSet(IN_TASK, OWNED)) {
        LockSupport.park(this);
      }
    } finally {
      waiting = null;
    }
  }

  /** Whether the worker is inside a user function right now (for the {@code running} figure). */
  boolean isRunning() {
    return state.get() != OWNED;
  }

  @Override
  public void tick(long now) {
    lingerCheck();
    deadlineCheck(now);
  }

  /**
   * Called by the run's tick. If the worker has been inside the same task since the last tick,
   * hands what it completed before that task to a flusher.
   */
  private void lingerCheck() {
    if (state.get() != IN_TASK) {
      lastSeenSeq = -1;
      return;
    }
    long seq = taskSeq; // read after the acquire above: the worker's release published it
    if (seq != lastSeenSeq) {
      lastSeenSeq = seq;
      return;
    }
    if (!hasBuffered() && !hasTallies()) {
      return;
    }
    if (!state.compareAndSet(IN_TASK, FLUSHING)) {
      return;
    }
    try {
      Thread.ofVirtual().name(stage.threadPrefix() + "-flush").start(this::flushOnBehalf);
    } catch (Throwable t) {
      endFlush();
      throw t;
    }
  }

  private boolean hasTallies() {
    return done != 0 || emitted != 0;
  }

  /** On a flusher thread, while the worker is inside a task: deliver where there is room. */
  private void flushOnBehalf() {
    try {
      boolean all = true;
      for (int i = 0; i < outlets.length; i++) {
        if (lengths[i] > 0) {
          Chunk chunk = new Chunk(buffers[i], 0, lengths[i]);
          if (outlets[i].offer(chunk)) {
            buffers[i] = new Object[initialCapacity];
            lengths[i] = 0;
          } else {
            all = false;
          }
        }
      }
      if (all) {
        // The worker is between mark() and its next outputs: nothing of its own is lost.
        Arrays.fill(marks, 0);
        settle();
        markEmitted = 0;
      } else {
        System.arraycopy(lengths, 0, marks, 0, lengths.length);
      }
    } catch (Throwable t) {
      run.fatal(stage, t);
    } finally {
      endFlush();
    }
  }

  private void endFlush() {
    state.set(IN_TASK);
    Thread w = waiting;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  // ---------------------------------------------------------------- timeouts

  /** A synchronous task with a timeout starts: the tick fails it once {@code due} has passed. */
  void timedStart(TimedCall call, long due) {
    deadline = due;
    timed = call;
  }

  void timedEnd() {
    timed = null;
  }

  /** Called by the run's tick: times out the task in progress if it is due. */
  private void deadlineCheck(long now) {
    TimedCall call = timed;
    if (call != null && now - deadline >= 0) {
      call.timeOut();
    }
  }

  // ---------------------------------------------------------------- flushing

  void flushIfFull() throws InterruptedException {
    for (int i = 0; i < outlets.length; i++) {
      if (lengths[i] >= chunkSize) {
        outlets[i].deliver(takeBuffer(i));
      }
    }
  }

  void flushAll() throws InterruptedException {
    for (int i = 0; i < outlets.length; i++) {
      if (lengths[i] > 0) {
        outlets[i].deliver(takeBuffer(i));
      }
    }
  }

  /**
   * While a splitter emits: once a buffer holds a chunk, hands every buffer on (waiting for room),
   * so a task emitting millions of outputs stays in bounded memory. What left can no longer be
   * rolled back.
   */
  void flushWhileSplitting() throws InterruptedException {
    for (int i = 0; i < outlets.length; i++) {
      if (lengths[i] >= chunkSize) {
        flushAll();
        Arrays.fill(marks, 0);
        markEmitted = emitted;
        return;
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

  // ---------------------------------------------------------------- settling

  /**
   * Records how an attempt of {@code item} ended, for the stage's observers of identities only;
   * they get the batch when it is full, with the tallies ({@link #settle()}), and at once for an
   * attempt that did not succeed (a retry must not run before its failed attempt is heard of).
   */
  void settled(Observers observers, Object item, TaskOutcome outcome) {
    SettledBatch batch = settledBatch;
    if (batch == null) {
      batch = settledBatch = new SettledBatch(observers);
    } else if (batch.isFull()) {
      deliverSettled(batch); // only now, so that the attempt added last can be taken back
    }
    batch.add(item, outcome);
    if (outcome != TaskOutcome.SUCCEEDED) {
      deliverSettled(batch);
    }
  }

  /**
   * Takes back the success {@link #settled} recorded last: its task failed after all (its result
   * broke the stage's contract).
   */
  void unsettleLast() {
    SettledBatch batch = settledBatch;
    if (batch != null) {
      batch.removeLast();
    }
  }

  private static void deliverSettled(SettledBatch batch) {
    batch.observers().deliver(batch);
    batch.clear();
  }

  /**
   * Publishes the tallies to the stage's counters and releases the finished tasks; the observers of
   * identities only hear of the settled attempts first.
   */
  void settle() {
    SettledBatch batch = settledBatch;
    if (batch != null && batch.size() > 0) {
      deliverSettled(batch);
    }
    stage.settle(succeeded, failed, duplicates, done, emitted);
    succeeded = 0;
    failed = 0;
    duplicates = 0;
    done = 0;
    emitted = 0;
  }
}
