package io.celestialflow;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link Execution#serial()} (one thread) and {@link Execution#threads(int)} ({@code n} platform
 * threads): each thread loops taking a chunk of tasks and running it through the stage's {@link
 * TaskCore}. The pool is bounded by construction and so is its queue — the stage's inbox — unlike
 * {@code Executors.newFixedThreadPool}.
 */
final class PlatformWorkers implements StageDriver {
  private final StageRuntime stage;
  private final Thread[] threads;
  private final WorkerContext[] contexts;

  PlatformWorkers(StageRuntime stage, int workers, String threadPrefix) {
    this.stage = stage;
    this.threads = new Thread[workers];
    this.contexts = new WorkerContext[workers];
    for (int i = 0; i < workers; i++) {
      WorkerContext ctx = new WorkerContext(stage, stage.chunkSize());
      contexts[i] = ctx;
      stage.run().registerTicking(ctx);
      threads[i] =
          stage
              .run()
              .newThread(workers == 1 ? threadPrefix : threadPrefix + "-" + i, () -> work(ctx));
    }
  }

  private void work(WorkerContext ctx) {
    RunEngine run = stage.run();
    TaskCore core = stage.core();
    try {
      stage.awaitGate();
      int consumers = threads.length;
      Chunk chunk;
      while (!run.isCancelled()
          && (chunk = stage.intake.next(consumers, stage.chunkSize())) != null) {
        stage.claimed.add(chunk.size());
        core.runChunk(chunk, ctx);
      }
    } catch (InterruptedException e) {
      // Cancelled: runChunk has recorded what this thread held; the thread ends.
    } catch (Throwable e) {
      run.fatal(stage, e);
    }
  }

  @Override
  public void start() {
    for (Thread t : threads) {
      t.start();
    }
  }

  @Override
  public void cancel() {
    for (Thread t : threads) {
      t.interrupt();
    }
  }

  @Override
  public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    boolean all = true;
    for (Thread t : threads) {
      long left = Math.max(1, deadline - System.nanoTime());
      all &= t.join(Duration.ofNanos(left));
    }
    return all;
  }

  @Override
  public int running() {
    int n = 0;
    for (WorkerContext ctx : contexts) {
      if (ctx.isRunning()) {
        n++;
      }
    }
    return n;
  }
}
