package io.celestialflow;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@link ExecutionMode#THREAD} with virtual threads: a dispatcher thread takes chunks from the
 * inbox and starts one virtual thread per task, at most {@code workers} at once (a semaphore). For
 * tasks that block — thousands can wait at the same time at the cost of a few hundred bytes each.
 */
final class VirtualThreadDispatcher implements StageDriver {
  private final StageRuntime stage;
  private final Semaphore permits;
  private final Thread dispatcher;
  private final ExecutorService tasks;

  VirtualThreadDispatcher(StageRuntime stage, int workers, String threadPrefix) {
    this.stage = stage;
    this.permits = new Semaphore(workers);
    this.dispatcher =
        Thread.ofPlatform().name(threadPrefix + "-dispatch").daemon(true).unstarted(this::dispatch);
    this.tasks =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name(threadPrefix + "-v", 0).factory());
  }

  private void dispatch() {
    try {
      stage.awaitGate();
      Chunk chunk;
      while (!stage.run().isCancelled() && (chunk = stage.next(1, stage.chunkSize())) != null) {
        stage.inFlight.add(chunk.size());
        int i = chunk.from;
        try {
          for (; i < chunk.to && !stage.run().isCancelled(); i++) {
            permits.acquire();
            Object item = chunk.items[i];
            try {
              tasks.execute(() -> runOne(item));
            } catch (RejectedExecutionException e) {
              permits.release();
              stage.recordUnfinished(item);
              stage.inFlight.decrement();
            }
          }
        } finally {
          if (stage.run().isCancelled()) {
            for (; i < chunk.to; i++) {
              stage.recordUnfinished(chunk.items[i]);
              stage.inFlight.decrement();
            }
          }
        }
      }
    } catch (InterruptedException e) {
      // Cancelled: the undispatched rest of the chunk was recorded above.
    } catch (RuntimeException | Error e) {
      stage.run().internalError(stage, e);
    }
  }

  private void runOne(Object item) {
    try {
      stage.processChunk(Chunk.of(item), new WorkerContext(stage, 2, true));
    } catch (InterruptedException e) {
      // Cancelled while delivering: processChunk recorded the task and its outputs.
    } catch (RuntimeException | Error e) {
      stage.run().internalError(stage, e);
    } finally {
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
}
