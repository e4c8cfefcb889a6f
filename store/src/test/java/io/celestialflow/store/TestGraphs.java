package io.celestialflow.store;

import io.celestialflow.Execution;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** Graphs the store's tests run. */
final class TestGraphs {
  private TestGraphs() {}

  /** A task that is a record, to check that records round-trip through the store as JSON. */
  record Line(int n, String text) {}

  /** A parse failure: a subclass of IllegalArgumentException, to check supertype search. */
  static final class BadLine extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadLine(String message) {
      super(message);
    }
  }

  /**
   * {@code parse} (Line → Integer; fails with {@link BadLine} when the text starts with "bad") then
   * {@code square} (Integer → Long; fails with IllegalStateException "seven" for multiples of 7).
   * Both declare their task types.
   */
  static TaskGraph parseAndSquare() {
    TaskStage<Line, Integer> parse =
        TaskStage.map(
                "parse",
                (Line l) -> {
                  if (l.text().startsWith("bad")) {
                    throw new BadLine("bad line " + l.n());
                  }
                  return l.n();
                })
            .taskType(Line.class)
            .build();
    TaskStage<Integer, Long> square =
        TaskStage.map(
                "square",
                (Integer x) -> {
                  if (x % 7 == 0) {
                    throw new IllegalStateException("seven " + x);
                  }
                  return (long) x * x;
                })
            .taskType(Integer.class)
            .execution(Execution.threads(2))
            .build();
    return TaskGraph.builder("parse-square").stage(parse).stage(square).edge(parse, square).build();
  }

  /** Lines 1..n, every tenth one bad. */
  static List<Line> lines(int n) {
    return IntStream.rangeClosed(1, n)
        .mapToObj(i -> new Line(i, i % 10 == 0 ? "bad" + i : "ok" + i))
        .toList();
  }

  /**
   * {@code slow} (Integer → Integer, sleeps {@code millis} per task on 2 threads) then {@code sink}
   * (a consumer counting each value it sees in {@code seen}). When {@code seen} reaches {@code
   * cancelAt}, {@code onCount} runs once (a test cancels the run there).
   */
  static TaskGraph slowThenSink(
      int millis, Map<Integer, AtomicInteger> seen, int cancelAt, Runnable onCount) {
    AtomicInteger total = new AtomicInteger();
    TaskStage<Integer, Integer> slow =
        TaskStage.map(
                "slow",
                (Integer x) -> {
                  Thread.sleep(millis);
                  return x;
                })
            .taskType(Integer.class)
            .execution(Execution.threads(2))
            .build();
    TaskStage<Integer, Void> sink =
        TaskStage.consumer(
                "sink",
                (Integer x) -> {
                  seen.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
                  if (total.incrementAndGet() == cancelAt) {
                    onCount.run();
                  }
                })
            .taskType(Integer.class)
            .build();
    // Small inboxes, so that a cancelled run has not read all of its input.
    return TaskGraph.builder("slow-sink")
        .stage(slow)
        .stage(sink)
        .edge(slow, sink)
        .inboxCapacity(32)
        .build();
  }

  static Map<Integer, AtomicInteger> counter() {
    return new ConcurrentHashMap<>();
  }
}
