package io.celestialflow;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One stage during one run: its inbox, its counters, where its outputs go, its per-task core
 * ({@link TaskCore}) and its driver, and its place in the run's accounting.
 *
 * <h2>Accounting</h2>
 *
 * Every task that enters the inbox adds one to the stage's {@code open} count and to the run's
 * outstanding count; it is subtracted only when the task reaches a final outcome (succeeded,
 * failed, duplicate), after its outputs have been added downstream. A retried task stays open.
 * Input sources and kept-open runs hold one token on their stage while they may still send tasks.
 * So:
 *
 * <ul>
 *   <li>the run is over exactly when its outstanding count reaches zero — for any graph shape,
 *       cycles included;
 *   <li>a stage is finished when its open count is zero and every upstream stage is finished (in a
 *       cycle that happens only at the end of the run).
 * </ul>
 */
final class StageRuntime {
  private final RunEngine run;
  private final TaskStage<?, ?> stage;
  private final int index;
  private final String name;
  private final String threadPrefix;
  private final int chunkSize;
  final Inbox inbox;

  /** Where the stage's workers take tasks: the inbox, then the input lists it reads itself. */
  final Intake intake;

  private Outlet[] outlets = new Outlet[0];
  private int edgeCount;
  private int[] successors = new int[0];
  private @Nullable TaskCore core;
  @Nullable StageDriver driver;

  final LongAdder received = new LongAdder();
  final LongAdder succeeded = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder emitted = new LongAdder();
  final LongAdder claimed = new LongAdder();
  private final AtomicInteger retriesPending = new AtomicInteger();
  private final AtomicLong unfinishedCount = new AtomicLong();
  private final ConcurrentLinkedQueue<Object> unfinished = new ConcurrentLinkedQueue<>();

  private final AtomicLong open = new AtomicLong();
  private final AtomicInteger pendingPredecessors;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicBoolean inputsOpen = new AtomicBoolean();
  private final CountDownLatch gate = new CountDownLatch(1);
  private volatile long startNanos;
  private volatile long endNanos;

  StageRuntime(
      RunEngine run,
      TaskStage<?, ?> stage,
      int index,
      int predecessors,
      int capacity,
      String threadPrefix) {
    this.run = run;
    this.stage = stage;
    this.index = index;
    this.name = stage.name();
    this.threadPrefix = threadPrefix;
    this.chunkSize = run.chunkSize();
    this.inbox = new Inbox(capacity);
    this.intake = new Intake(run, inbox);
    this.pendingPredecessors = new AtomicInteger(predecessors);
  }

  /** Connects the stage's outputs and builds its per-task core. */
  void wire(
      Outlet[] outlets,
      int edgeCount,
      String[] edgeNames,
      int[] successors,
      @Nullable Observers observers) {
    this.outlets = outlets;
    this.edgeCount = edgeCount;
    this.successors = successors;
    Map<String, Integer> routes = new HashMap<>();
    for (int i = 0; i < edgeNames.length; i++) {
      routes.putIfAbsent(edgeNames[i], i);
    }
    this.core = new TaskCore(this, new Emission(name, stage.kind(), routes, edgeNames), observers);
  }

  String name() {
    return name;
  }

  int index() {
    return index;
  }

  String threadPrefix() {
    return threadPrefix;
  }

  TaskStage<?, ?> stage() {
    return stage;
  }

  RunEngine run() {
    return run;
  }

  /** The stage's observers when one of them wants to hear of tasks entering it, else null. */
  @Nullable Observers entryObservers() {
    TaskCore c = core;
    return c == null ? null : c.entryObservers();
  }

  TaskCore core() {
    TaskCore c = core;
    if (c == null) {
      throw new IllegalStateException("stage '" + name + "' is not wired");
    }
    return c;
  }

  Outlet[] outlets() {
    return outlets;
  }

  int edgeCount() {
    return edgeCount;
  }

  int chunkSize() {
    return chunkSize;
  }

  int[] successors() {
    return successors;
  }

  // ------------------------------------------------------------------ arrivals

  /** A producer hands this stage a chunk of tasks, waiting for room if {@code blocking}. */
  void accept(Chunk chunk, boolean blocking) throws InterruptedException {
    count(chunk.size());
    boolean added;
    try {
      added = inbox.put(chunk, blocking);
    } catch (InterruptedException e) {
      recordUnfinished(chunk);
      throw e;
    }
    if (!added) {
      recordUnfinished(chunk);
    }
  }

  /**
   * Hands this stage a chunk only if its inbox has room now (or {@code bounded} is false).
   *
   * @return false if it was full or closed: the caller keeps the chunk
   */
  boolean tryAccept(Chunk chunk, boolean bounded) {
    return inbox.offer(chunk, bounded, () -> count(chunk.size()));
  }

  /** Tasks read by this stage's workers from a {@link ListInput} arrive (counted, not queued). */
  void arrive(int n) {
    count(n);
  }

  private void count(int n) {
    run.addOutstanding(n);
    open.addAndGet(n);
    received.add(n);
  }

  /** During cancellation: the tasks arrive, and are left unfinished at once. */
  void acceptUnfinished(Chunk chunk) {
    received.add(chunk.size());
    recordUnfinished(chunk);
  }

  /** An input source or an open-inputs run holds the stage open while it may still send tasks. */
  void hold() {
    run.addOutstanding(1);
    open.incrementAndGet();
  }

  /** A kept-open run holds the stage open for injected tasks until its inputs are closed. */
  void holdInputs() {
    if (inputsOpen.compareAndSet(false, true)) {
      hold();
    }
  }

  boolean inputsOpen() {
    return inputsOpen.get();
  }

  /** Closes the stage's inputs: releases the kept-open token, once. */
  void closeInputs() {
    if (inputsOpen.compareAndSet(true, false)) {
      release(1);
    }
  }

  // ------------------------------------------------------------------ retries

  /** Schedules another attempt of a task after {@code delay}. */
  void retry(Object item, int attempt, Throwable cause, Duration delay) {
    retries.increment();
    retriesPending.incrementAndGet();
    run.fireRetried(name, Envelope.task(item), Envelope.id(item), attempt, cause, delay);
    run.scheduleRetry(this, Envelope.retry(item), delay);
  }

  /** A retry's wait is over: the task goes back into the inbox, without waiting for room. */
  void retryDue(Envelope attempt) {
    retriesPending.decrementAndGet();
    try {
      if (!inbox.put(Chunk.of(attempt), false)) {
        recordUnfinished(attempt);
      }
    } catch (InterruptedException e) {
      recordUnfinished(attempt);
      Thread.currentThread().interrupt();
    }
  }

  /** A retry that will never run because the run was cancelled. */
  void retryDropped(Envelope attempt) {
    retriesPending.decrementAndGet();
    recordUnfinished(attempt);
  }

  // ------------------------------------------------------------------ outcomes

  /** Publishes a worker's tallies and releases the tasks that reached a final outcome. */
  void settle(int ok, int failedCount, int dups, int left, long emittedCount) {
    if (left != 0) {
      claimed.add(-left);
    }
    if (ok != 0) {
      succeeded.add(ok);
    }
    if (failedCount != 0) {
      failed.add(failedCount);
    }
    if (dups != 0) {
      duplicates.add(dups);
    }
    if (emittedCount != 0) {
      emitted.add(emittedCount);
    }
    int done = ok + failedCount + dups;
    if (done != 0) {
      release(done);
    }
  }

  /** Subtracts tasks (or tokens) from the open counts, finishing the stage or run at zero. */
  void release(long n) {
    if (open.addAndGet(-n) == 0) {
      tryFinish();
    }
    run.releaseOutstanding(n);
  }

  void recordUnfinished(Chunk chunk) {
    for (int i = chunk.from; i < chunk.to; i++) {
      recordUnfinished(chunk.items[i]);
    }
  }

  void recordUnfinished(Object item) {
    if (!run.isFailed()) { // a run ended by an error keeps nothing: memory may be what it lacks
      unfinished.add(Envelope.task(item));
    }
    unfinishedCount.incrementAndGet();
  }

  /** Tasks left unfinished that are counted only (a failed run keeps no task lists). */
  void recordUnfinished(int count) {
    unfinishedCount.addAndGet(count);
  }

  ConcurrentLinkedQueue<Object> unfinishedTasks() {
    return unfinished;
  }

  // ------------------------------------------------------------------ lifecycle

  void awaitGate() throws InterruptedException {
    gate.await();
  }

  /**
   * The stage may start processing (at once in the streaming layout; in turn in the serial one).
   */
  void openGate() {
    if (started.compareAndSet(false, true)) {
      startNanos = System.nanoTime();
      gate.countDown();
      run.fireStageStarted(name);
    }
  }

  /** Cancellation: wake drivers waiting for their turn, without announcing a start. */
  void releaseGate() {
    gate.countDown();
  }

  void predecessorFinished() {
    if (pendingPredecessors.decrementAndGet() == 0) {
      openGate();
      tryFinish();
    }
  }

  boolean hasPendingPredecessors() {
    return pendingPredecessors.get() > 0;
  }

  void tryFinish() {
    if (pendingPredecessors.get() == 0
        && open.get() == 0
        && !run.isCancelled()
        && finished.compareAndSet(false, true)) {
      endNanos = System.nanoTime();
      run.stageFinished(this);
    }
  }

  /** The run is over: stages inside cycles finish now. */
  void forceFinish(long now) {
    if (finished.compareAndSet(false, true)) {
      if (startNanos == 0) {
        startNanos = now;
      }
      endNanos = now;
      run.stageFinished(this);
    }
  }

  StageStats stats(long now) {
    long start = startNanos;
    long end = finished.get() ? endNanos : now;
    long elapsedNanos = start == 0 ? 0 : Math.max(0, end - start);
    long ok = succeeded.sum();
    long bad = failed.sum();
    long dups = duplicates.sum();
    double seconds = elapsedNanos / 1e9;
    double rate = seconds > 0 ? (ok + bad + dups) / seconds : 0.0;
    StageDriver d = driver;
    return new StageStats(
        name,
        stage.mode(),
        received.sum(),
        ok,
        bad,
        dups,
        retries.sum(),
        inbox.size() + (long) retriesPending.get(),
        Math.max(0, claimed.sum()),
        d == null ? 0 : d.running(),
        unfinishedCount.get(),
        emitted.sum(),
        finished.get(),
        Duration.ofNanos(elapsedNanos),
        rate);
  }
}
