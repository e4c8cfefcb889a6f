package io.celestialflow;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One stage during one run: its inbox, its counters, where its outputs go, and the per-task logic
 * every driver shares (duplicate check, invocation with timeout, emission by kind, failure and
 * retry handling).
 *
 * <h2>Accounting</h2>
 *
 * Every task that enters the inbox adds one to the stage's {@code open} count and to the run's
 * outstanding count; it is subtracted only when the task reaches a final outcome (succeeded,
 * failed, duplicate), after its outputs have been added downstream. A retried task stays open.
 * Input sources hold one token on their stage while they are read. So:
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
  private final StageKind kind;
  private final TaskFunction<Object, ?> function;
  private final @Nullable Set<Object> seen;
  private final @Nullable Function<Object, ?> dedupeKey;
  private final RetryPolicy retry;
  private final @Nullable Duration timeout;
  private final int chunkSize;
  final Inbox inbox;

  private Outlet[] outlets = new Outlet[0];
  private int edgeCount;
  private String[] edgeNames = new String[0];
  private Map<String, Integer> routeIndex = Map.of();
  private int[] successors = new int[0];
  @Nullable StageDriver driver;

  final LongAdder received = new LongAdder();
  final LongAdder succeeded = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder emitted = new LongAdder();
  final LongAdder inFlight = new LongAdder();
  private final AtomicInteger retriesPending = new AtomicInteger();
  private final AtomicLong unfinishedCount = new AtomicLong();
  private final ConcurrentLinkedQueue<Object> unfinished = new ConcurrentLinkedQueue<>();

  private final AtomicLong open = new AtomicLong();
  private final AtomicInteger pendingPredecessors;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CountDownLatch gate = new CountDownLatch(1);
  private volatile long startNanos;
  private volatile long endNanos;

  StageRuntime(RunEngine run, TaskStage<?, ?> stage, int index, int predecessors, int capacity) {
    this.run = run;
    this.stage = stage;
    this.index = index;
    this.name = stage.name();
    this.kind = stage.kind();
    this.function = stage.function();
    this.seen = stage.dedupe() ? ConcurrentHashMap.newKeySet() : null;
    this.dedupeKey = stage.dedupeKey();
    this.retry = stage.retryPolicy();
    this.timeout = stage.timeout().orElse(null);
    this.chunkSize = run.chunkSize();
    this.inbox = new Inbox(capacity);
    this.pendingPredecessors = new AtomicInteger(predecessors);
  }

  void wire(Outlet[] outlets, int edgeCount, String[] edgeNames, int[] successors) {
    this.outlets = outlets;
    this.edgeCount = edgeCount;
    this.edgeNames = edgeNames;
    this.successors = successors;
    Map<String, Integer> routes = new HashMap<>();
    for (int i = 0; i < edgeNames.length; i++) {
      routes.putIfAbsent(edgeNames[i], i);
    }
    this.routeIndex = routes;
  }

  String name() {
    return name;
  }

  int index() {
    return index;
  }

  TaskStage<?, ?> stage() {
    return stage;
  }

  RunEngine run() {
    return run;
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

  TaskFunction<Object, ?> function() {
    return function;
  }

  // ------------------------------------------------------------------ arrivals

  /** A producer hands this stage a chunk of tasks. */
  void accept(Chunk chunk, boolean blocking) throws InterruptedException {
    int n = chunk.size();
    run.addOutstanding(n);
    open.addAndGet(n);
    received.add(n);
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

  /** Takes the next tasks, ignoring interrupts that are not a cancellation. */
  @Nullable Chunk next(int consumers, int max) throws InterruptedException {
    while (true) {
      try {
        return inbox.take(consumers, max);
      } catch (InterruptedException e) {
        if (run.isCancelled()) {
          throw e;
        }
      }
    }
  }

  // ------------------------------------------------------------------ processing

  /**
   * Runs a chunk of tasks on the calling thread: each task in turn, outputs flushed downstream as
   * buffers fill and at the end, tallies settled once. On cancellation the rest of the chunk and
   * any buffered output are recorded as unfinished. The caller has counted the chunk in flight.
   */
  void processChunk(Chunk chunk, WorkerContext ctx) throws InterruptedException {
    int next = chunk.from;
    try {
      while (next < chunk.to && !run.isCancelled()) {
        Object item = chunk.items[next++];
        if (!runTask(item, ctx)) {
          break;
        }
        ctx.flushIfFull();
      }
      if (!run.isCancelled()) {
        ctx.flushAll();
      }
    } finally {
      if (run.isCancelled()) {
        for (int i = next; i < chunk.to; i++) {
          recordUnfinished(chunk.items[i]);
          ctx.done++;
        }
        ctx.abandonAll();
      }
      ctx.settle();
    }
  }

  /**
   * Runs one task synchronously.
   *
   * @return false if the run was cancelled while the task ran (the task is left unfinished)
   */
  boolean runTask(Object item, WorkerContext ctx) {
    mark(ctx);
    try {
      Object task = admit(item, ctx);
      if (task == null) {
        return true;
      }
      Object result;
      ctx.enterTask();
      try {
        result = invoke(task);
      } finally {
        ctx.exitTask();
      }
      emit(result, ctx);
      ctx.succeeded++;
      return true;
    } catch (Throwable error) {
      return fail(item, error, ctx);
    } finally {
      ctx.done++; // after exitTask(): a lingering flush never counts the task in progress
    }
  }

  /**
   * Remembers where the worker's buffers stood before a task, so that a failure can take back the
   * outputs it emitted. Only a splitter can fail halfway through emitting (its iterable may throw);
   * other kinds emit all or nothing, so they skip the bookkeeping.
   */
  void mark(WorkerContext ctx) {
    if (kind == StageKind.SPLITTER) {
      ctx.mark();
    }
  }

  /**
   * Checks a task in: unwraps a retry, or checks for a duplicate.
   *
   * @return the bare task, or null if it is a duplicate (already counted)
   */
  @Nullable Object admit(Object item, WorkerContext ctx) {
    if (item instanceof Attempt a) {
      return a.task();
    }
    if (seen != null) {
      Object key = dedupeKey == null ? item : dedupeKey.apply(item);
      if (!seen.add(key == null ? NULL_KEY : key)) {
        ctx.duplicates++;
        return null;
      }
    }
    return item;
  }

  private static final Object NULL_KEY = new Object();

  /** Calls the stage's function, under its timeout if it has one. */
  @Nullable Object invoke(Object task) throws Exception {
    if (timeout == null) {
      return function.apply(task);
    }
    Future<?> future = run.timedExecutor().submit(() -> function.apply(task));
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TimeoutException(
          "task exceeded the "
              + timeout
              + " timeout of stage '"
              + name
              + "'; its thread was interrupted");
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    }
  }

  /** Wraps an asynchronous result so that it fails once the stage's timeout has passed. */
  CompletionStage<?> withTimeout(CompletionStage<?> result) {
    if (timeout == null) {
      return result;
    }
    CompletableFuture<Object> limited = new CompletableFuture<>();
    result.whenComplete((value, error) -> {
      if (error != null) {
        limited.completeExceptionally(error);
      } else {
        limited.complete(value);
      }
    });
    // The run's own timer, not the common pool a user's blocking code may have filled up.
    run.schedule(
        () -> {
          if (limited.completeExceptionally(
                  new TimeoutException(
                      "task exceeded the " + timeout + " timeout of stage '" + name + "'"))
              && result instanceof Future<?> f) {
            f.cancel(true);
          }
        },
        timeout);
    return limited;
  }

  /** Sends a task's result on, according to the stage's kind. */
  void emit(@Nullable Object raw, WorkerContext ctx) {
    switch (kind) {
      case MAP -> {
        if (raw == null) {
          throw new IllegalStateException(
              "stage '"
                  + name
                  + "' returned null; a map stage must return a value (use a splitter to emit"
                  + " nothing for some tasks)");
        }
        ctx.emitAll(raw);
      }
      case SPLITTER -> split(raw, ctx);
      case ROUTER -> route(raw, ctx);
      case CONSUMER -> {}
    }
  }

  private void split(@Nullable Object raw, WorkerContext ctx) {
    switch (raw) {
      case null ->
          throw new IllegalStateException(
              "splitter '" + name + "' returned null; return an empty collection to emit nothing");
      case Iterable<?> items -> {
        for (Object item : items) {
          ctx.emitAll(requireItem(item));
        }
      }
      case Stream<?> items -> {
        try (items) {
          Iterator<?> it = items.iterator();
          while (it.hasNext()) {
            ctx.emitAll(requireItem(it.next()));
          }
        }
      }
      case Iterator<?> it -> {
        while (it.hasNext()) {
          ctx.emitAll(requireItem(it.next()));
        }
      }
      case Object[] items -> {
        for (Object item : items) {
          ctx.emitAll(requireItem(item));
        }
      }
      default ->
          throw new IllegalStateException(
              "splitter '"
                  + name
                  + "' returned a "
                  + raw.getClass().getName()
                  + ", not an Iterable, Stream, Iterator or array");
    }
  }

  private Object requireItem(@Nullable Object item) {
    if (item == null) {
      throw new IllegalStateException("splitter '" + name + "' emitted a null item");
    }
    return item;
  }

  private void route(@Nullable Object raw, WorkerContext ctx) {
    if (!(raw instanceof Routed<?> routed)) {
      throw new IllegalStateException(
          "router '"
              + name
              + "' returned "
              + (raw == null ? "null" : "a " + raw.getClass().getName())
              + " instead of a Routed value");
    }
    int n = routed.targets().size();
    int[] edges = ctx.routeScratch(n);
    for (int i = 0; i < n; i++) {
      String target = routed.targets().get(i);
      Integer edge = routeIndex.get(target);
      if (edge == null) {
        throw new IllegalArgumentException(
            "router '"
                + name
                + "' sent a task to '"
                + target
                + "', which is not one of its downstream stages "
                + Arrays.toString(edgeNames));
      }
      edges[i] = edge;
    }
    ctx.emitRouted(edges, n, routed.value());
  }

  /**
   * A task failed: retry it, record the failure, or — when the run is being cancelled — leave it
   * unfinished.
   *
   * @return false if the task was left unfinished because of cancellation
   */
  boolean fail(Object item, Throwable error, WorkerContext ctx) {
    if (kind == StageKind.SPLITTER) {
      ctx.rollback();
    }
    Throwable cause = unwrap(error);
    Object task = Attempt.unwrap(item);
    if (run.isCancelled()) {
      recordUnfinished(task);
      return false;
    }
    int attempt = item instanceof Attempt a ? a.number() : 1;
    if (retry.shouldRetry(cause, attempt)) {
      scheduleRetry(task, attempt, cause);
    } else {
      ctx.failed++;
      run.recordFailure(TaskFailure.of(name, task, 0, cause, attempt));
    }
    return true;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private void scheduleRetry(Object task, int attempt, Throwable cause) {
    Duration delay = retry.delayAfter(attempt);
    retries.increment();
    retriesPending.incrementAndGet();
    run.fireRetried(name, task, 0, attempt, cause, delay);
    run.scheduleRetry(this, new Attempt(task, attempt + 1), delay);
  }

  /** A retry's wait is over: the task goes back into the inbox, without waiting for room. */
  void retryDue(Attempt attempt) {
    retriesPending.decrementAndGet();
    try {
      if (!inbox.put(Chunk.of(attempt), false)) {
        recordUnfinished(attempt.task());
      }
    } catch (InterruptedException e) {
      recordUnfinished(attempt.task());
      Thread.currentThread().interrupt();
    }
  }

  /** A retry that will never run because the run was cancelled. */
  void retryDropped(Attempt attempt) {
    retriesPending.decrementAndGet();
    recordUnfinished(attempt.task());
  }

  // ------------------------------------------------------------------ outcomes

  /** Publishes a worker's tallies and releases the tasks that reached a final outcome. */
  void settle(int ok, int failedCount, int dups, int left, long emittedCount) {
    if (left != 0) {
      inFlight.add(-left);
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
    unfinished.add(Attempt.unwrap(item));
    unfinishedCount.incrementAndGet();
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

  boolean isFinished() {
    return finished.get();
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
    return new StageStats(
        name,
        stage.mode(),
        received.sum(),
        ok,
        bad,
        dups,
        retries.sum(),
        inbox.size() + (long) retriesPending.get(),
        Math.max(0, inFlight.sum()),
        Math.max(0, inFlight.sum()),
        unfinishedCount.get(),
        emitted.sum(),
        finished.get(),
        Duration.ofNanos(elapsedNanos),
        rate);
  }
}
