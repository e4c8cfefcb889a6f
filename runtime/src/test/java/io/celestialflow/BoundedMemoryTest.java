package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000,000 tasks from a lazy source through a 3-stage chain in a heap capped at 128 MiB (the
 * surefire execution {@code bounded-memory} runs this class alone with {@code -Xmx128m}). Holding
 * the tasks would need several hundred MiB; the run completes because inboxes are bounded and the
 * source is read only as fast as the chain consumes it.
 */
@Tag("memory")
class BoundedMemoryTest {
  private static final long TASKS = 10_000_000;

  @Test
  @Timeout(300)
  void tenMillionTasksStreamThroughAThreeStageChainIn128MiB() {
    assertThat(Runtime.getRuntime().maxMemory())
        .as("this test must run with -Xmx128m (see runtime/pom.xml)")
        .isLessThanOrEqualTo(128L * 1024 * 1024);
    Iterator<Long> source =
        new Iterator<>() {
          long next;

          @Override
          public boolean hasNext() {
            return next < TASKS;
          }

          @Override
          public Long next() {
            return next++;
          }
        };
    TaskStage<Long, Long> plusOne = TaskStage.map("plusOne", (Long x) -> x + 1).build();
    TaskStage<Long, Long> twice =
        TaskStage.map("twice", (Long x) -> 2 * x).execution(Execution.threads(2)).build();
    TaskStage<Long, Long> minusTwo = TaskStage.map("minusTwo", (Long x) -> x - 2).build();
    LongAdder sum = new LongAdder();
    try (TaskGraph graph =
        TaskGraph.builder("memory")
            .stages(plusOne, twice, minusTwo)
            .edge(plusOne, twice)
            .edge(twice, minusTwo)
            .build()) {
      GraphResult result =
          graph.newRun().input(plusOne, source).discardOutputs().onOutput(minusTwo, sum::add).run();

      assertThat(result.isCompleted()).isTrue();
      assertThat(result.stats(minusTwo).succeeded()).isEqualTo(TASKS);
      // sum of 2(x+1)-2 = 2x over x in [0, N)
      assertThat(sum.sum()).isEqualTo(TASKS * (TASKS - 1));
      Checks.accounted(result);
    }
  }
}
