package io.celestialflow;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * {@link Execution#async(int)}: one dispatcher thread calls the stage's function for each task and
 * keeps at most {@code maxOutstanding} of the returned {@link CompletionStage}s outstanding.
 *
 * <p>Everything except the completion itself happens on the dispatcher: results that are already
 * complete when returned are handled inline; the others are handed back by the completing thread
 * through a lock-free queue (one offer, and an unpark if the dispatcher sleeps) and handled by the
 * dispatcher in batches, like a synchronous stage's chunk. So the completing thread — an HTTP
 * client's, an event loop — never blocks and does no bookkeeping, the outstanding count and the
 * table of pending tasks are plain fields, and emission may wait for room downstream (backpressure)
 * without holding anyone else's thread.
 *
 * <h2>Timeouts</h2>
 *
 * Every task of a stage has the same timeout, so deadlines come in launch order: the dispatcher
 * keeps its outstanding tasks in a linked list in that order and fails the oldest once it is due
 * (cancelling its future). The run's tick wakes the dispatcher when the oldest deadline has passed.
 * Nothing is scheduled per task, no lock is shared, and a task's result is unreachable from the
 * engine as soon as it has been handled.
 *
 * <p>The dispatcher sleeps only when it can do nothing: no completion waiting, no deadline due, and
 * either the limit reached or no task in the inbox. Before it sleeps it publishes its buffered
 * outputs and tallies, so nothing finished waits behind something slow. The stage's function runs
 * on the dispatcher, so it must return promptly: start the work and return its {@code
 * CompletionStage}.
 */
final class AsyncDispatcher implements StageDriver, Ticking {
  private final StageRuntime stage;
  private final RunEngine run;
  private final int limit;
  private final long timeoutNanos;
  private final Thread dispatcher;
  private final ConcurrentLinkedQueue<Pending> completed = new ConcurrentLinkedQueue<>();
  private volatile boolean sleeping;

  /** The deadline of the oldest outstanding task, for the tick; MAX_VALUE when none. */
  private volatile long nextDeadline = Long.MAX_VALUE;

  // Owned by the dispatcher thread (outstanding is read racily for the running figure).
  private final @Nullable Pending[] slots;
  private final int[] freeSlots;
  private int freeCount;
  private int outstanding;
  private @Nullable Pending oldest;
  private @Nullable Pending newest;

  /** A task whose result has not been handled yet. */
  private final class Pending {
    final Object item;
    final CompletionStage<?> result;
    final int slot;
    final Observers.@Nullable Observation obs;
    final long deadline;
    @Nullable Pending older;
    @Nullable Pending newer;
    boolean settled;
    @Nullable Object value;
    @Nullable Throwable error;

    Pending(
        Object item,
        CompletionStage<?> result,
        int slot,
        Observers.@Nullable Observation obs,
        long deadline) {
      this.item = item;
      this.result = result;
      this.slot = slot;
      this.obs = obs;
      this.deadline = deadline;
    }

    /** Runs on the completing thread: hand the outcome to the dispatcher. */
    void complete(@Nullable Object v, @Nullable Throwable e) {
      value = v;
      error = e;
      completed.offer(this); // publishes value and error to the polling dispatcher
      if (sleeping) {
        LockSupport.unpark(dispatcher);
      }
    }
  }

  AsyncDispatcher(StageRuntime stage, int maxOutstanding, String threadPrefix) {
    this.stage = stage;
    this.run = stage.run();
    this.limit = maxOutstanding;
    this.timeoutNanos = stage.stage().timeout().map(Duration::toNanos).orElse(0L);
    this.slots = new Pending[maxOutstanding];
    this.freeSlots = new int[maxOutstanding];
    for (int i = 0; i < maxOutstanding; i++) {
      freeSlots[i] = maxOutstanding - 1 - i;
    }
    this.freeCount = maxOutstanding;
    this.dispatcher = run.newThread(threadPrefix + "-async", this::dispatch);
    if (timeoutNanos > 0) {
      run.registerTicking(this);
    }
  }

  private boolean cancelled() {
    return run.isCancelled();
  }

  private void dispatch() {
    WorkerContext ctx = new WorkerContext(stage, stage.chunkSize());
    TaskCore core = stage.core();
    @Nullable Chunk chunk = null;
    try {
      stage.awaitGate();
      while (!cancelled()) {
        if (outstanding > 0) {
          handleCompleted(core, ctx);
          expire(core, ctx);
        }
        if (chunk != null && chunk.from < chunk.to) {
          if (outstanding < limit) {
            launchSome(core, chunk, ctx);
          } else {
            sleep(ctx, false);
          }
          continue;
        }
        if (chunk != null) {
          publish(ctx); // a chunk is done: its outputs and tallies go out, as a worker's would
        }
        chunk = stage.intake.poll(1, stage.chunkSize());
        if (chunk != null) {
          stage.claimed.add(chunk.size());
        } else if (outstanding > 0) {
          sleep(ctx, true);
        } else {
          publish(ctx);
          chunk =
              stage.intake.next(
                  1, stage.chunkSize()); // nothing outstanding: only new tasks can come
          if (chunk == null) {
            return; // the inbox was closed: the run is over
          }
          stage.claimed.add(chunk.size());
        }
      }
    } catch (InterruptedException e) {
      // Cancelled: recorded below.
    } catch (Throwable e) {
      run.fatal(stage, e);
    } finally {
      if (cancelled()) {
        leaveUnfinished(core, chunk, ctx);
      }
    }
  }

  /** Publishes what is buffered, then parks until a completion, a due deadline or a new task. */
  private void sleep(WorkerContext ctx, boolean wakeOnTask) throws InterruptedException {
    publish(ctx);
    if (wakeOnTask) {
      stage.inbox.wakeOnPut(dispatcher);
    }
    // Read the clock before raising the flag: between the flag and the park nothing may block,
    // because a blocking call (a clock taking a lock, say) parks too and would swallow the unpark
    // of a completion offered meanwhile. A deadline falling due after this read is the tick's.
    long now = run.clock().nanoTime();
    sleeping = true;
    try {
      if (completed.isEmpty()
          && !(wakeOnTask && stage.inbox.size() > 0)
          && !due(now)
          && !cancelled()) {
        LockSupport.park(this);
      }
    } finally {
      sleeping = false;
      if (wakeOnTask) {
        stage.inbox.wakeOnPut(null);
      }
    }
    if (Thread.interrupted() && cancelled()) {
      throw new InterruptedException();
    }
  }

  private boolean due(long now) {
    long deadline = nextDeadline;
    // MAX_VALUE means none: compared by difference it would be "due" for a negative nanoTime.
    return deadline != Long.MAX_VALUE && now - deadline >= 0;
  }

  /** The run's tick: wakes the dispatcher once the oldest deadline has passed. */
  @Override
  public void tick(long now) {
    if (sleeping && due(now)) {
      LockSupport.unpark(dispatcher);
    }
  }

  private void publish(WorkerContext ctx) throws InterruptedException {
    ctx.flushAll();
    ctx.settle();
  }

  /**
   * Starts tasks of the chunk until it is used up, the limit is reached or the run is cancelled:
   * results that complete inline (the common case of a fast or cached function) cost no trip round
   * the dispatcher's outer loop.
   */
  private void launchSome(TaskCore core, Chunk chunk, WorkerContext ctx)
      throws InterruptedException {
    Object[] items = chunk.items;
    int next = chunk.from;
    int to = chunk.to;
    try {
      while (next < to && outstanding < limit && !cancelled()) {
        launch(core, items[next++], ctx);
        ctx.flushIfFull();
      }
    } finally {
      chunk.from = next; // a task taken before an exception is the launch's to account for
    }
  }

  /** Starts one task; its result is handled inline if already complete, else later. */
  private void launch(TaskCore core, Object item, WorkerContext ctx) throws InterruptedException {
    Object task = core.admit(item, ctx);
    if (task == null) {
      return;
    }
    Observers.Observation obs = core.observe(item, task);
    CompletionStage<?> result;
    try {
      result = core.callAsync(task);
    } catch (Throwable error) {
      core.fail(item, error, obs, ctx);
      return;
    }
    if (result instanceof CompletableFuture<?> done && done.isDone()) {
      Object value;
      try {
        value = done.join();
      } catch (CompletionException | CancellationException error) {
        core.fail(item, error, obs, ctx);
        return;
      }
      if (!core.succeed(item, value, obs, ctx)) {
        throw new InterruptedException("cancelled while emitting");
      }
      return;
    }
    int slot = freeSlots[--freeCount];
    long deadline = timeoutNanos > 0 ? run.clock().nanoTime() + timeoutNanos : 0;
    Pending p = new Pending(item, result, slot, obs, deadline);
    slots[slot] = p;
    outstanding++;
    if (timeoutNanos > 0) {
      link(p);
    }
    result.whenComplete(p::complete);
  }

  /** Handles every result handed back so far. */
  private void handleCompleted(TaskCore core, WorkerContext ctx) throws InterruptedException {
    Pending p;
    while ((p = completed.poll()) != null) {
      if (p.settled) {
        continue; // it timed out before: its late result is dropped
      }
      settle(p);
      Throwable error = p.error;
      boolean going =
          error != null
              ? core.fail(p.item, error, p.obs, ctx)
              : core.succeed(p.item, p.value, p.obs, ctx);
      p.value = null;
      if (!going) {
        throw new InterruptedException("cancelled while emitting");
      }
      ctx.flushIfFull();
    }
  }

  /** Fails the outstanding tasks whose deadline has passed, oldest first. */
  private void expire(TaskCore core, WorkerContext ctx) throws InterruptedException {
    if (timeoutNanos == 0) {
      return;
    }
    long now = run.clock().nanoTime();
    Pending p;
    while ((p = oldest) != null && now - p.deadline >= 0) {
      settle(p);
      if (p.result instanceof Future<?> f) {
        f.cancel(true);
      }
      core.fail(
          p.item,
          new TimeoutException(
              "task exceeded the "
                  + Duration.ofNanos(timeoutNanos)
                  + " timeout of stage '"
                  + stage.name()
                  + "'"),
          p.obs,
          ctx);
      ctx.flushIfFull();
    }
  }

  /** Takes a task out of the outstanding table (and the deadline list): it is handled now. */
  private void settle(Pending p) {
    p.settled = true;
    slots[p.slot] = null;
    freeSlots[freeCount++] = p.slot;
    outstanding--;
    if (timeoutNanos > 0) {
      unlink(p);
    }
  }

  private void link(Pending p) {
    Pending last = newest;
    p.older = last;
    if (last == null) {
      oldest = p;
      nextDeadline = p.deadline;
    } else {
      last.newer = p;
    }
    newest = p;
  }

  private void unlink(Pending p) {
    Pending older = p.older;
    Pending newer = p.newer;
    if (older == null) {
      oldest = newer;
      nextDeadline = newer == null ? Long.MAX_VALUE : newer.deadline;
    } else {
      older.newer = newer;
    }
    if (newer == null) {
      newest = older;
    } else {
      newer.older = older;
    }
    p.older = null;
    p.newer = null;
  }

  /** Cancellation: every task this driver still holds is recorded as unfinished. */
  private void leaveUnfinished(TaskCore core, @Nullable Chunk chunk, WorkerContext ctx) {
    completed.clear();
    for (int i = 0; i < slots.length; i++) {
      Pending held = slots[i];
      if (held != null) {
        slots[i] = null;
        core.abandon(held.item, ctx);
        if (held.result instanceof Future<?> f) {
          f.cancel(true);
        }
      }
    }
    outstanding = 0;
    oldest = null;
    newest = null;
    nextDeadline = Long.MAX_VALUE;
    if (chunk != null) {
      for (int i = chunk.from; i < chunk.to; i++) {
        core.abandon(chunk.items[i], ctx);
      }
    }
    ctx.abandonAll();
    ctx.settle();
  }

  @Override
  public void start() {
    dispatcher.start();
  }

  @Override
  public void cancel() {
    dispatcher.interrupt();
    LockSupport.unpark(dispatcher);
  }

  @Override
  public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
    return dispatcher.join(Duration.ofNanos(unit.toNanos(timeout)));
  }

  @Override
  public int running() {
    return outstanding;
  }
}
