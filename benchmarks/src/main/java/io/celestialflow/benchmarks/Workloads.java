package io.celestialflow.benchmarks;

import io.celestialflow.GraphResult;
import io.celestialflow.TaskStage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * What the benchmarks share: the pre-built task lists, the trivial functions every pair calls on
 * both sides, and the checks that make a benchmark fail rather than silently measure nothing.
 */
final class Workloads {
  private Workloads() {}

  /**
   * The tasks {@code 0, 1, ..., n - 1}, boxed once up front so that neither side of a pair pays for
   * building them.
   */
  static List<Long> tasks(int n) {
    List<Long> list = new ArrayList<>(n);
    for (long i = 0; i < n; i++) {
      list.add(i);
    }
    return list;
  }

  /** The trivial function of the single-stage benchmarks. */
  static Long increment(Long x) {
    return x + 1;
  }

  /** First function of the chain. */
  static Long chainFirst(Long x) {
    return x + 1;
  }

  /** Second function of the chain. */
  static Long chainSecond(Long x) {
    return x * 2;
  }

  /** Third function of the chain. */
  static Long chainThird(Long x) {
    return x - 1;
  }

  /** The sum of {@code increment(x)} over {@link #tasks(int) tasks(n)}: {@code n (n + 1) / 2}. */
  static long sumOfIncrements(int n) {
    return (long) n * (n + 1) / 2;
  }

  /** The sum of {@code 2 (x + 1) - 1} over {@link #tasks(int) tasks(n)}: {@code n²}. */
  static long sumOfChain(int n) {
    return (long) n * n;
  }

  /**
   * Fails the benchmark if a sum is wrong.
   *
   * @return {@code actual}
   */
  static long verify(String what, long expected, long actual) {
    if (actual != expected) {
      throw new IllegalStateException(
          what + ": wrong result, expected sum " + expected + " but got " + actual);
    }
    return actual;
  }

  /** Fails the benchmark if the run did not complete every task of {@code stage} successfully. */
  static void verify(String what, GraphResult result, TaskStage<?, ?> stage, long tasks) {
    if (!result.isCompleted() || !result.failures().isEmpty()) {
      throw new IllegalStateException(
          what + ": run did not complete cleanly: " + result + " " + result.failures());
    }
    long succeeded = result.stats(stage).succeeded();
    if (succeeded != tasks) {
      throw new IllegalStateException(
          what + ": stage '" + stage.name() + "' succeeded " + succeeded + " of " + tasks);
    }
  }

  /**
   * The hand-written asynchronous baseline: at most {@code limit} results outstanding, held by a
   * semaphore acquired before each call and released when its result completes; each result is
   * added to {@code sum}. Returns once every result has arrived.
   *
   * @throws InterruptedException if interrupted while waiting for a permit
   */
  static void semaphoreLoop(
      List<Long> tasks, Function<Long, CompletableFuture<Long>> function, int limit, LongAdder sum)
      throws InterruptedException {
    Semaphore permits = new Semaphore(limit);
    LongAdder failures = new LongAdder();
    for (Long x : tasks) {
      permits.acquire();
      CompletableFuture<Long> result;
      try {
        result = function.apply(x);
      } catch (RuntimeException e) {
        permits.release();
        throw e;
      }
      var unused =
          result.whenComplete((value, error) -> {
            try {
              if (error == null) {
                sum.add(value);
              } else {
                failures.increment();
              }
            } finally {
              permits.release();
            }
          });
    }
    permits.acquire(limit); // every result has arrived
    permits.release(limit);
    if (failures.sum() != 0) {
      throw new IllegalStateException(failures.sum() + " asynchronous tasks failed");
    }
  }
}
