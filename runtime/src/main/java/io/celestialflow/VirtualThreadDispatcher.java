package io.celestialflow;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@link Execution#virtualThreads(int)}: a dispatcher thread takes chunks from the inbox and starts
 * one virtual thread per task, at most {@code maxInFlight} at once (a semaphore). For tasks that
 * block — thousands can wait at the same time at the cost of a few hundred bytes each.
 *
 * <p>Each task borrows a {@link WorkerContext} from a pool that grows to at most {@code
 * maxInFlight} (so output buffers are reused, and the run's tick can time out a task through its
 * context), runs through the stage's {@link TaskCore}, flushes and settles, and gives it back.
 */
final class VirtualThreadDispatcher implements StageDriver {
  private final StageRuntime stage;
  private final int maxInFlight;
  private final Semaphore permits;
  private final Thread dispatcher;
  private final ExecutorService tasks;
  private final ConcurrentLinkedQueue<WorkerContext> idle = new ConcurrentLinkedQueue<>();

  VirtualThreadDispatcher(StageRuntime stage, int maxInFlight, String threadPrefix) {
    this.stage = stage;
    this.maxInFlight = maxInFlight;
    this.permits = new Semaphore(maxInFlight);
    this.dispatcher = stage.run().newThread(threadPrefix + "-dispatch", this::dispatch);
    this.tasks = stage.run().newVirtualExecutor(threadPrefix + "-v");
  }

  private void dispatch() {
    RunEngine run = stage.run();
    try {
      stage.awaitGate();
      Chunk chunk;
      while (!run.isCancelled() && (chunk = stage.intake.next(1, stage.chunkSize())) != null) {
        stage.claimed.add(chunk.size());
        int i = chunk.from;
        try {
          for (; i < chunk.to && !run.isCancelled(); i++) {
            permits.acquire();
            Object item = chunk.items[i];
            try {
              tasks.execute(() -> runOne(item));
            } catch (RejectedExecutionException e) {
              permits.release();
              stage.recordUnfinished(item);
              stage.claimed.decrement();
            }
          }
        } finally {
          if (run.isCancelled()) {
            for (; i < chunk.to; i++) {
              stage.recordUnfinished(chunk.items[i]);
              stage.claimed.decrement();
            }
          }
        }
      }
    } catch (InterruptedException e) {
      // Cancelled: the undispatched rest of the chunk was recorded above.
    } catch (Throwable e) {
      run.fatal(stage, e);
    }
  }

  private void runOne(Object item) {
    WorkerContext ctx = borrow();
    try {
      TaskCore core = stage.core();
      if (core.run(item, ctx)) {
        ctx.flushAll();
      } else {
        ctx.abandonAll();
      }
    } catch (InterruptedException e) {
      ctx.abandonAll(); // cancelled while delivering
    } catch (Throwable e) {
      stage.run().fatal(stage, e);
    } finally {
      ctx.settle();
      idle.offer(ctx);
      permits.release();
    }
  }

  private WorkerContext borrow() {
    WorkerContext ctx = idle.poll();
    if (ctx == null) {
      ctx = new WorkerContext(stage, 2);
      if (stage.core().timeoutNanos() > 0) {
        stage.run().registerTicking(ctx); // its deadlines; at most maxInFlight contexts exist
      }
    }
    return ctx;
  }

  @Override
  public void start() {
    dispatcher.start();
  }

  @Override
  public void cancel() {
    dispatcher.interrupt();
    tasks.shutdownNow();
  }

  @Override
  public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (!dispatcher.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
      return false;
    }
    tasks.shutdown();
    return tasks.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  @Override
  public int running() {
    return maxInFlight - permits.availablePermits();
  }
}
