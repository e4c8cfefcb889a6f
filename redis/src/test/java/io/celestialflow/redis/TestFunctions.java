package io.celestialflow.redis;

import io.celestialflow.TaskFunction;
import java.util.List;

/** Stage functions the worker JVMs of the tests load by class name. */
final class TestFunctions {
  private TestFunctions() {}

  /** A task that takes some time: its result is {@code n * n}. */
  record Job(int n, int millis) {}

  /** Squares a number. */
  public static final class Square implements TaskFunction<Integer, Long> {
    @Override
    public Long apply(Integer x) {
      return (long) x * x;
    }
  }

  /** Squares a job's number after sleeping its millis. */
  public static final class SlowSquare implements TaskFunction<Job, Long> {
    @Override
    public Long apply(Job job) throws InterruptedException {
      Thread.sleep(job.millis());
      return (long) job.n() * job.n();
    }
  }

  /** Splits a line into words. */
  public static final class Words implements TaskFunction<String, List<String>> {
    @Override
    public List<String> apply(String line) {
      return List.of(line.split(" "));
    }
  }
}
