package io.celestialflow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One synchronous call under a timeout: the function runs on a virtual thread of the run while the
 * worker waits for it; the run's tick times it out ({@link WorkerContext#deadlineCheck}), which
 * interrupts the call and frees the worker at once, even if the function ignores the interrupt.
 * Nothing is scheduled per call: the tick reads one deadline per worker.
 */
final class TimedCall {
  private final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
  private final String message;
  private volatile @Nullable Future<?> thread;

  private TimedCall(String message) {
    this.message = message;
  }

  /**
   * Calls {@code function} on {@code task} and waits for it, at most until the run's tick finds it
   * past {@code timeoutNanos}.
   *
   * @throws ExecutionException what the function threw, or a {@link TimeoutException}
   */
  static @Nullable Object call(
      TaskFunction<Object, ?> function,
      Object task,
      long timeoutNanos,
      String stage,
      WorkerContext ctx,
      RunEngine run)
      throws ExecutionException, InterruptedException {
    TimedCall call =
        new TimedCall(
            "task exceeded the "
                + java.time.Duration.ofNanos(timeoutNanos)
                + " timeout of stage '"
                + stage
                + "'; its thread was interrupted");
    call.thread =
        run.timedExecutor()
            .submit(() -> {
              try {
                call.result.complete(function.apply(task));
              } catch (Throwable e) {
                call.result.completeExceptionally(e);
              }
            });
    ctx.timedStart(call, run.clock().nanoTime() + timeoutNanos);
    try {
      return call.result.get();
    } catch (InterruptedException e) {
      call.stop();
      throw e;
    } finally {
      ctx.timedEnd();
    }
  }

  /** Called by the tick once the deadline has passed. */
  void timeOut() {
    if (result.completeExceptionally(new TimeoutException(message))) {
      stop();
    }
  }

  private void stop() {
    Future<?> t = thread;
    if (t != null) {
      t.cancel(true);
    }
  }
}
