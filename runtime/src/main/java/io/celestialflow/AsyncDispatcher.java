package io.celestialflow;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * {@link ExecutionMode#ASYNC}: one dispatcher thread calls the stage's function for each task and
 * keeps at most {@code workers} of the returned {@link CompletionStage}s outstanding.
 *
 * <p>Everything except the completion itself happens on the dispatcher: results that are already
 * complete when returned are handled inline; the others are handed back by the completing thread
 * through a lock-free queue (one offer, and an unpark if the dispatcher sleeps) and handled by the
 * dispatcher in batches, like a synchronous stage's chunk. So the completing thread — an HTTP
 * client's, an event loop — never blocks and does no bookkeeping, the outstanding count and the
 * table of pending tasks are plain fields, and emission may wait for room downstream (backpressure)
 * without holding anyone else's thread.
 *
 * <p>The dispatcher sleeps only when it can do nothing: no completion waiting, and either the limit
 * reached or no task in the inbox. Before it sleeps it publishes its buffered outputs and tallies,
 * so nothing finished waits behind something slow.
 *
 * <p>The stage's function runs on the dispatcher, so it must return promptly: start the work and
 * return its {@code CompletionStage}. A function that blocks holds up every task of the stage (and
 * the outputs buffered before it), which is why the dispatcher, unlike synchronous workers, does
 * not pay for the linger hand-off around each call.
 */
final class AsyncDispatcher implements StageDriver {
  private final StageRuntime stage;
  private final RunEngine run;
  private final TaskFunction<Object, ?> function;
  private final int limit;
  private final Thread dispatcher;
  private final ConcurrentLinkedQueue<Pending> completed = new ConcurrentLinkedQueue<>();
  private volatile boolean sleeping;

  // Owned by the dispatcher thread.
  private final @Nullable Pending[] slots;
  private final int[] freeSlots;
  private int freeCount;
  private int outstanding;

  /** A task whose result has not been handled yet. */
  private final class Pending {
    final Object item;
    final CompletionStage<?> result;
    final int slot;
    @Nullable Object value;
    @Nullable Throwable error;

    Pending(Object item, CompletionStage<?> result, int slot) {
      this.item = item;
      this.result = result;
      this.slot = slot;
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

  AsyncDispatcher(StageRuntime stage, int workers, String threadPrefix) {
    this.stage = stage;
    this.run = stage.run();
    this.function = stage.function();
    this.limit = workers;
    this.slots = new Pending[workers];
    this.freeSlots = new int[workers];
    for (int i = 0; i < workers; i++) {
      freeSlots[i] = workers - 1 - i;
    }
    this.freeCount = workers;
    this.dispatcher =
        Thread.ofPlatform().name(threadPrefix + "-async").daemon(true).unstarted(this::dispatch);
  }

  private boolean cancelled() {
    return run.isCancelled();
  }

  private void dispatch() {
    WorkerContext ctx = new WorkerContext(stage, stage.chunkSize(), true);
    @Nullable Chunk chunk = null;
    try {
      stage.awaitGate();
      while (!cancelled()) {
        if (outstanding > 0) {
          handleCompleted(ctx);
        }
        if (chunk != null && chunk.from < chunk.to) {
          if (outstanding < limit) {
            launch(chunk.items[chunk.from++], ctx);
            ctx.flushIfFull();
          } else {
            sleep(ctx, false);
          }
          continue;
        }
        chunk = stage.inbox.poll(1, stage.chunkSize());
        if (chunk != null) {
          stage.inFlight.add(chunk.size());
        } else if (outstanding > 0) {
          sleep(ctx, true);
        } else {
          publish(ctx);
          chunk = stage.next(1, stage.chunkSize()); // nothing outstanding: only new tasks can come
          if (chunk == null) {
            return; // the inbox was closed: the run is over
          }
          stage.inFlight.add(chunk.size());
        }
      }
    } catch (InterruptedException e) {
      // Cancelled: recorded below.
    } catch (RuntimeException | Error e) {
      stage.run().internalError(stage, e);
    } finally {
      if (cancelled()) {
        leaveUnfinished(chunk, ctx);
      }
    }
  }

  /** Publishes what is buffered, then parks until a completion (or, if asked, a new task). */
  private void sleep(WorkerContext ctx, boolean wakeOnTask) throws InterruptedException {
    publish(ctx);
    if (wakeOnTask) {
      stage.inbox.wakeOnPut(dispatcher);
    }
    sleeping = true;
    try {
      if (completed.isEmpty() && !(wakeOnTask && stage.inbox.size() > 0) && !cancelled()) {
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

  private void publish(WorkerContext ctx) throws InterruptedException {
    ctx.flushAll();
    ctx.settle();
  }

  /** Starts one task; its result is handled inline if already complete, else later. */
  private void launch(Object item, WorkerContext ctx) {
    stage.mark(ctx);
    try {
      Object task = stage.admit(item, ctx);
      if (task == null) {
        ctx.done++;
        return;
      }
      Object returned = function.apply(task);
      if (!(returned instanceof CompletionStage<?> cs)) {
        throw new IllegalStateException(
            "async stage '"
                + stage.name()
                + "' returned "
                + (returned == null ? "null" : "a " + returned.getClass().getName())
                + " instead of a CompletionStage");
      }
      CompletionStage<?> result = stage.withTimeout(cs);
      if (result instanceof CompletableFuture<?> done && done.isDone()) {
        stage.emit(done.join(), ctx);
        ctx.succeeded++;
        ctx.done++;
        return;
      }
      int slot = freeSlots[--freeCount];
      Pending p = new Pending(item, result, slot);
      slots[slot] = p;
      outstanding++;
      result.whenComplete(p::complete);
    } catch (Throwable error) {
      stage.fail(item, error, ctx);
      ctx.done++;
    }
  }

  /** Handles every result handed back so far. */
  private void handleCompleted(WorkerContext ctx) throws InterruptedException {
    Pending p;
    while ((p = completed.poll()) != null) {
      slots[p.slot] = null;
      freeSlots[freeCount++] = p.slot;
      outstanding--;
      stage.mark(ctx);
      Throwable error = p.error;
      if (error != null) {
        stage.fail(p.item, error, ctx);
      } else {
        try {
          stage.emit(p.value, ctx);
          ctx.succeeded++;
        } catch (Throwable e) {
          stage.fail(p.item, e, ctx);
        }
      }
      ctx.done++;
      ctx.flushIfFull();
    }
  }

  /** Cancellation: every task this driver still holds is recorded as unfinished. */
  private void leaveUnfinished(@Nullable Chunk chunk, WorkerContext ctx) {
    Pending p;
    while ((p = completed.poll()) != null) {
      slots[p.slot] = null;
      stage.recordUnfinished(p.item);
      ctx.done++;
    }
    for (int i = 0; i < slots.length; i++) {
      Pending held = slots[i];
      if (held != null) {
        slots[i] = null;
        stage.recordUnfinished(held.item);
        ctx.done++;
        if (held.result instanceof Future<?> f) {
          f.cancel(true);
        }
      }
    }
    outstanding = 0;
    if (chunk != null) {
      for (int i = chunk.from; i < chunk.to; i++) {
        stage.recordUnfinished(chunk.items[i]);
        ctx.done++;
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
}
