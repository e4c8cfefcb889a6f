package io.celestialflow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * Every way a stage can run, so that each engine test runs under all of them: the same synchronous
 * function becomes a stage of the chosen mode (for the asynchronous modes, wrapped in a {@link
 * CompletableFuture} completed on another thread, or already completed).
 */
enum Mode {
  SERIAL,
  THREAD,
  VIRTUAL,
  ASYNC,
  ASYNC_COMPLETED;

  /**
   * Completes asynchronous results; one virtual thread each, so blocking tests cannot starve it.
   */
  private static final ExecutorService ASYNC_POOL =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("test-async-", 0).factory());

  <I, O> TaskStage<I, O> map(String name, TaskFunction<I, O> fn) {
    return map(name, fn, UnaryOperator.identity());
  }

  <I, O> TaskStage<I, O> map(
      String name, TaskFunction<I, O> fn, UnaryOperator<TaskStage.Builder<I, O>> config) {
    TaskStage.Builder<I, O> b =
        switch (this) {
          case ASYNC -> TaskStage.async(name, (I t) -> later(fn, t));
          case ASYNC_COMPLETED -> TaskStage.async(name, (I t) -> now(fn, t));
          default -> TaskStage.map(name, fn);
        };
    return config.apply(configure(b)).build();
  }

  <I, O> TaskStage<I, O> splitter(String name, TaskFunction<I, ? extends Iterable<O>> fn) {
    return splitter(name, fn, UnaryOperator.identity());
  }

  <I, O> TaskStage<I, O> splitter(
      String name,
      TaskFunction<I, ? extends Iterable<O>> fn,
      UnaryOperator<TaskStage.Builder<I, O>> config) {
    TaskStage.Builder<I, O> b =
        switch (this) {
          case ASYNC -> TaskStage.<I, O>asyncSplitter(name, (I t) -> later(fn, t));
          case ASYNC_COMPLETED -> TaskStage.<I, O>asyncSplitter(name, (I t) -> now(fn, t));
          default -> TaskStage.<I, O>splitter(name, fn);
        };
    return config.apply(configure(b)).build();
  }

  <I, O> TaskStage<I, O> router(String name, TaskFunction<I, Routed<O>> fn) {
    TaskStage.Builder<I, O> b =
        switch (this) {
          case ASYNC -> TaskStage.<I, O>asyncRouter(name, (I t) -> later(fn, t));
          case ASYNC_COMPLETED -> TaskStage.<I, O>asyncRouter(name, (I t) -> now(fn, t));
          default -> TaskStage.<I, O>router(name, fn);
        };
    return configure(b).build();
  }

  /**
   * A stage whose tasks from {@code from} on wait until {@code release} opens, so a test can catch
   * a run mid-way. An asynchronous function must not block (it runs on the stage's dispatcher), so
   * there they wait as futures that complete on release.
   */
  TaskStage<Integer, Integer> gated(String name, CountDownLatch release, int from) {
    if (this == ASYNC || this == ASYNC_COMPLETED) {
      return TaskStage.async(
              name,
              (Integer x) ->
                  x >= from
                      ? CompletableFuture.runAsync(() -> awaitQuietly(release), ASYNC_POOL)
                          .thenApply(v -> x)
                      : CompletableFuture.completedFuture(x))
          .execution(Execution.async(16))
          .build();
    }
    return map(
        name,
        (Integer x) -> {
          if (x >= from) {
            release.await();
          }
          return x;
        });
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <I, O> TaskStage.Builder<I, O> configure(TaskStage.Builder<I, O> b) {
    return switch (this) {
      case SERIAL -> b.execution(Execution.serial());
      case THREAD -> b.execution(Execution.threads(4));
      case VIRTUAL -> b.execution(Execution.virtualThreads(64));
      case ASYNC, ASYNC_COMPLETED -> b.execution(Execution.async(16));
    };
  }

  private static <T, R> CompletableFuture<R> later(TaskFunction<T, R> fn, T task) {
    return CompletableFuture.supplyAsync(() -> call(fn, task), ASYNC_POOL);
  }

  private static <T, R> CompletableFuture<R> now(TaskFunction<T, R> fn, T task) {
    try {
      return CompletableFuture.completedFuture(fn.apply(task));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static <T, R> R call(TaskFunction<T, R> fn, T task) {
    try {
      return fn.apply(task);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
