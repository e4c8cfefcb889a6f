package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The serial layout runs one stage at a time in topological order; streaming runs all at once. */
@Timeout(30)
class LayoutTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void theSerialLayoutFinishesEachStageBeforeTheNextStarts(Mode mode) {
    ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
    TaskStage<Integer, Integer> first =
        mode.map(
            "first",
            (Integer x) -> {
              calls.add("first");
              return x;
            });
    TaskStage<Integer, Integer> second =
        mode.map(
            "second",
            (Integer x) -> {
              calls.add("second");
              return x;
            });
    TaskStage<Integer, Integer> side =
        mode.map(
            "side",
            (Integer x) -> {
              calls.add("side");
              return x;
            });
    TaskStage<Integer, Integer> last =
        mode.map(
            "last",
            (Integer x) -> {
              calls.add("last");
              return x;
            });
    try (TaskGraph graph =
        TaskGraph.builder("serial-" + mode)
            .stages(last, second, first, side) // added out of order on purpose
            .edge(first, second)
            .edge(first, side)
            .edge(second, last)
            .edge(side, last)
            .layout(Layout.SERIAL)
            .chunkSize(8)
            .build()) {
      GraphResult result = graph.run(first, Checks.range(0, 1000));

      assertThat(result.outputs(last)).hasSize(2000);
      List<String> order = List.copyOf(calls);
      int lastFirst = order.lastIndexOf("first");
      int firstOfNext = Math.min(order.indexOf("second"), order.indexOf("side"));
      assertThat(lastFirst)
          .as("every 'first' call precedes the stages after it")
          .isLessThan(firstOfNext);
      assertThat(order.lastIndexOf("second")).isLessThan(order.indexOf("last"));
      assertThat(order.lastIndexOf("side")).isLessThan(order.indexOf("last"));
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void theStreamingLayoutOverlapsStages(Mode mode) {
    // With all stages running at once, the second stage sees its first task while the first stage
    // still has work: a bounded inbox forces the overlap.
    AtomicInteger firstDone = new AtomicInteger();
    ConcurrentHashMap<String, Integer> firstSeenAt = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> first =
        mode.map(
            "first",
            (Integer x) -> {
              firstDone.incrementAndGet();
              return x;
            });
    TaskStage<Integer, Integer> second =
        mode.map(
            "second",
            (Integer x) -> {
              firstSeenAt.putIfAbsent("second", firstDone.get());
              return x;
            });
    try (TaskGraph graph =
        TaskGraph.builder("streaming-" + mode)
            .stages(first, second)
            .edge(first, second)
            .inboxCapacity(64)
            .chunkSize(16)
            .build()) {
      GraphResult result = graph.run(first, Checks.range(0, 20_000));
      assertThat(result.outputs(second)).hasSize(20_000);
      assertThat(firstSeenAt.get("second")).isLessThan(20_000);
      Checks.accounted(result);
    }
  }
}
