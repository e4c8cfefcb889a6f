package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A lazy source producing tasks many times faster than its stage takes them, slowly enough that the
 * linger flush (not a full chunk) hands most of them over: the stage's waiting tasks must stay
 * within the inbox capacity plus one chunk, in every mode. On the landed engine the linger flush
 * ignored the bound and the pending count grew with the run.
 */
@Timeout(60)
class SlowSourceMemoryTest {
  private static final int CAPACITY = 64;
  private static final int CHUNK = 16;
  private static final int TASKS = 600;

  /** About 20,000 tasks per second: one every 50 microseconds. */
  private static Iterator<Integer> slowSource() {
    return new Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        return next < TASKS;
      }

      @Override
      public Integer next() {
        LockSupport.parkNanos(50_000);
        return next++;
      }
    };
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void pendingStaysWithinTheCapacityPlusAChunk(Mode mode) throws Exception {
    // 2 ms per task and worker: about 500 tasks/s in every mode, whatever its concurrency (a
    // stage of 64 virtual threads sleeping 2 ms would outrun the source and leave nothing waiting).
    long millis =
        2L
            * switch (mode) {
              case SERIAL, ASYNC_COMPLETED -> 1; // completed: the function runs on the dispatcher
              case THREAD -> 4;
              case VIRTUAL -> 64;
              case ASYNC -> 16;
            };
    TaskStage<Integer, Integer> slow =
        mode.map(
            "slow",
            (Integer x) -> {
              Thread.sleep(millis);
              return x;
            });
    assertBounded(slow, "slow-source-" + mode);
  }

  @Test
  void pendingStaysWithinTheCapacityPlusAChunkForWorkerProcesses() throws Exception {
    TaskStage<Integer, Integer> slow =
        TaskStage.process("slow", ProcessStages.TwoMillis.class).build();
    assertBounded(slow, "slow-source-PROCESS");
  }

  private static void assertBounded(TaskStage<Integer, Integer> slow, String name)
      throws Exception {
    AtomicLong peak = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    try (TaskGraph graph =
            TaskGraph.builder(name).stage(slow).inboxCapacity(CAPACITY).chunkSize(CHUNK).build();
        GraphRun run = graph.newRun().input(slow, slowSource()).discardOutputs().start()) {
      Thread sampler =
          Thread.ofPlatform()
              .start(() -> {
                while (!done.get()) {
                  peak.accumulateAndGet(run.status().stats(slow).pending(), Math::max);
                  LockSupport.parkNanos(200_000);
                }
              });
      GraphResult result = run.await();
      done.set(true);
      sampler.join();

      assertThat(result.stats(slow).succeeded()).isEqualTo(TASKS);
      assertThat(peak.get())
          .as("peak of tasks waiting in the inbox")
          .isGreaterThan(0)
          .isLessThanOrEqualTo(CAPACITY + CHUNK);
      Checks.accounted(result);
    }
  }
}
