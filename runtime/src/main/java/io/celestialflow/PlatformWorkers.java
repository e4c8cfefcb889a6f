package io.celestialflow;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link ExecutionMode#SERIAL} (one thread) and {@link ExecutionMode#THREAD} with platform threads
 * ({@code workers} threads): each thread loops taking a chunk of tasks and running it. The pool is
 * bounded by construction and so is its queue — the stage's inbox — unlike {@code
 * Executors.newFixedThreadPool}.
 */
final class PlatformWorkers implements StageDriver {
  private final StageRuntime stage;
  private final Thread[] threads;

  PlatformWorkers(StageRuntime stage, int workers, String threadPrefix) {
    this.stage = stage;
    this.threads = new Thread[workers];
    for (int i = 0; i < workers; i++) {
      threads[i] =
          Thread.ofPlatform()
              .name(workers == 1 ? threadPrefix : threadPrefix + "-" + i)
              .daemon(true)
              .unstarted(this::work);
    }
  }

  private void work() {
    WorkerContext ctx = new WorkerContext(stage, stage.chunkSize(), true);
    stage.run().registerLingering(ctx);
    try {
      stage.awaitGate();
      int consumers = threads.length;
      Chunk chunk;
      while (!stage.run().isCancelled()
          && (chunk = stage.next(consumers, stage.chunkSize())) != null) {
        stage.inFlight.add(chunk.size());
        stage.processChunk(chunk, ctx);
      }
    } catch (InterruptedException e) {
      // Cancelled: processChunk has recorded what this thread held; the thread ends.
    } catch (RuntimeException | Error e) {
      stage.run().internalError(stage, e);
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
}
