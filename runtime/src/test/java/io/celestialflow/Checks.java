package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** Assertions every engine test shares. */
final class Checks {
  private Checks() {}

  /** Every task accounted for, at every stage. */
  static void accounted(GraphResult result) {
    for (StageStats s : result.stats()) {
      assertThat(s.received())
          .as(
              "received = succeeded + failed + duplicates + unfinished at stage %s: %s",
              s.stage(), s)
          .isEqualTo(s.succeeded() + s.failed() + s.duplicates() + s.unfinished());
      assertThat(s.pending()).as("pending at %s", s.stage()).isZero();
      assertThat(s.claimed()).as("claimed at %s", s.stage()).isZero();
      assertThat(s.running()).as("running at %s", s.stage()).isZero();
      if (result.isCompleted()) {
        assertThat(s.unfinished()).as("unfinished at %s", s.stage()).isZero();
        assertThat(s.finished()).as("finished flag of %s", s.stage()).isTrue();
      }
      assertThat((long) result.unfinished(s.stage()).size())
          .as("unfinished list of %s", s.stage())
          .isEqualTo(s.unfinished());
      if (result.failureCount() == result.failures().size()) {
        assertThat((long) result.failures(s.stage()).size())
            .as("failure records of %s", s.stage())
            .isEqualTo(s.failed());
      }
    }
  }

  /** No thread of the graph's runs is alive any more. */
  static void noThreadsLeft(String graphName) {
    String prefix = "cf-" + graphName + "-";
    List<String> alive =
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(n -> n.startsWith(prefix))
            .toList();
    assertThat(alive).as("threads of graph %s still alive", graphName).isEmpty();
  }

  /** Waits (at most 10 s, polling every 2 ms) until the condition holds; fails otherwise. */
  static void eventually(Callable<Boolean> condition) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2)).until(condition);
  }

  /**
   * A function with every outcome of an attempt: a value ending in 1 fails once with an {@link
   * IllegalStateException} (retry it), 51 fails for good with an {@link IllegalArgumentException},
   * anything else is returned as is. {@code tries} counts the attempts per value.
   */
  static TaskFunction<Integer, Integer> retriedOnceOrFailing(Map<Integer, AtomicInteger> tries) {
    return (Integer x) -> {
      if (x % 10 == 1
          && tries.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet() == 1) {
        throw new IllegalStateException("retry me");
      }
      if (x == 51) {
        throw new IllegalArgumentException("bad " + x);
      }
      return x;
    };
  }

  static List<Integer> range(int from, int toExclusive) {
    Integer[] out = new Integer[toExclusive - from];
    for (int i = from; i < toExclusive; i++) {
      out[i - from] = i;
    }
    return Arrays.asList(out);
  }
}
