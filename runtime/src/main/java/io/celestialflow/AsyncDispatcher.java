package io.celestialflow;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@link ExecutionMode#ASYNC}: a dispatcher thread calls the stage's function for each task and
 * keeps at most {@code workers} of the returned {@link CompletionStage}s outstanding.
 *
 * <p>Results that are already complete when returned are handled inline, in chunks, like any
 * synchronous stage. The others are handled on whichever thread completes them; that thread never
 * waits for room downstream (it may belong to an HTTP client or an event loop). Backpressure comes
 * instead from the dispatcher, which waits for room downstream before it starts each task, so at
 * most {@code workers} results can overshoot a full inbox.
 */
final class AsyncDispatcher implements StageDriver {
  private final StageRuntime stage;
  private final Semaphore permits;
  private final Thread dispatcher;
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();

  /** A task whose result has not arrived yet. */
  private static final class Pending {
    final Object item;
    final CompletionStage<?> result;

    Pending(Object item, CompletionStage<?> result) {
      this.item = item;
      this.result = result;
    }
  }

  AsyncDispatcher(StageRuntime stage, int workers, String threadPrefix) {
    this.stage = stage;
    this.permits = new Semaphore(workers);
    this.dispatcher =
        Thread.ofPlatform().name(threadPrefix + "-async").daemon(true).unstarted(this::dispatch);
  }

  private void dispatch() {
    WorkerContext ctx = new WorkerContext(stage, stage.chunkSize(), true);
    stage.run().registerLingering(ctx);
    try {
      stage.awaitGate();
      Chunk chunk;
      while (!stage.run().isCancelled() && (chunk = stage.next(1, stage.chunkSize())) != null) {
        dispatchChunk(chunk, ctx);
      }
    } catch (InterruptedException e) {
      // Cancelled: dispatchChunk recorded what was left.
    } catch (RuntimeException | Error e) {
      stage.run().internalError(stage, e);
    }
  }

  private void dispatchChunk(Chunk chunk, WorkerContext ctx) throws InterruptedException {
    stage.inFlight.add(chunk.size());
    int next = chunk.from;
    try {
      while (next < chunk.to && !stage.run().isCancelled()) {
        stage.awaitDownstreamRoom();
        if (!permits.tryAcquire()) {
          ctx.flushAll(); // do not hold finished outputs back while waiting for a slot
          permits.acquire();
        }
        Object item = chunk.items[next++];
        if (!launch(item, ctx)) {
          permits.release();
          if (stage.run().isCancelled()) {
            break;
          }
        }
        ctx.flushIfFull();
      }
      if (!stage.run().isCancelled()) {
        ctx.flushAll();
      }
    } finally {
      if (stage.run().isCancelled()) {
        for (int i = next; i < chunk.to; i++) {
          stage.recordUnfinished(chunk.items[i]);
          ctx.done++;
        }
        ctx.abandonAll();
      }
      ctx.settle();
    }
  }

  /**
   * Starts one task.
   *
   * @return true if its result is pending (it will settle itself); false if it was handled inline
   */
  private boolean launch(Object item, WorkerContext ctx) {
    ctx.mark();
    try {
      Object task = stage.admit(item, ctx);
      if (task == null) {
        return false;
      }
      Object returned;
      ctx.enterTask();
      try {
        returned = stage.function().apply(task);
      } finally {
        ctx.exitTask();
      }
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
        return false;
      }
      Pending p = new Pending(item, result);
      stage.inFlight.increment(); // the pending result settles itself
      pending.add(p);
      result.whenComplete((value, error) -> complete(p, value, error));
      return true;
    } catch (Throwable error) {
      stage.fail(item, error, ctx);
      return false;
    } finally {
      ctx.done++; // leaves this chunk's in-flight count either way
    }
  }

  /** Runs on the thread that completed the task's result. */
  private void complete(Pending p, @Nullable Object value, @Nullable Throwable error) {
    if (!pending.remove(p)) {
      return; // cancelled: already recorded as unfinished
    }
    WorkerContext ctx = new WorkerContext(stage, 2, false);
    // Leave in-flight first: fail() may schedule a retry that re-enters the inbox and ends the run
    // before this thread (not the engine's, so never joined) would settle, leaving inFlight at 1.
    stage.inFlight.decrement();
    ctx.mark();
    if (error != null) {
      stage.fail(p.item, error, ctx);
    } else {
      try {
        stage.emit(value, ctx);
        ctx.succeeded++;
      } catch (Throwable e) {
        stage.fail(p.item, e, ctx);
      }
    }
    try {
      ctx.flushAll();
    } catch (InterruptedException e) {
      // Non-blocking delivery does not wait; keep the flag for the thread's owner.
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      stage.run().internalError(stage, e);
    } finally {
      ctx.settle();
      permits.release();
    }
  }

  @Override
  public void start() {
    dispatcher.start();
  }

  @Override
  public void cancel() {
    dispatcher.interrupt();
    for (Pending p : List.copyOf(pending)) {
      if (pending.remove(p)) {
        stage.recordUnfinished(p.item);
        stage.inFlight.decrement();
        if (p.result instanceof Future<?> f) {
          f.cancel(true);
        }
      }
    }
  }

  @Override
  public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
    return dispatcher.join(Duration.ofNanos(unit.toNanos(timeout)));
  }
}
