package io.celestialflow.structure;

import static io.celestialflow.structure.GraphAnalysisTest.edges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.celestialflow.Execution;
import io.celestialflow.GraphDefinitionException;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.GraphStatus;
import io.celestialflow.Layout;
import io.celestialflow.RunState;
import io.celestialflow.StageStats;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each structure helper: its exact edges, a real run with counts and outputs, its mistakes. */
@Timeout(30)
class StructuresTest {

  private static TaskStage<Integer, Integer> map(String name, UnaryOperator<Integer> f) {
    return TaskStage.map(name, (Integer x) -> f.apply(x)).execution(Execution.threads(2)).build();
  }

  /** Emits {@code n - 1} for {@code n > 0} and nothing for 0: a loop of these ends by itself. */
  private static TaskStage<Integer, Integer> countDown(String name) {
    return TaskStage.splitter(name, (Integer n) -> n > 0 ? List.of(n - 1) : List.<Integer>of())
        .execution(Execution.threads(2))
        .build();
  }

  private static List<Integer> range(int from, int toInclusive) {
    return IntStream.rangeClosed(from, toInclusive).boxed().toList();
  }

  /** A stage received and processed exactly {@code tasks} tasks, all successfully. */
  private static void counts(GraphResult result, String stage, long tasks) {
    StageStats s = result.stats(stage);
    assertThat(s.received()).as("received by %s", stage).isEqualTo(tasks);
    assertThat(s.succeeded()).as("succeeded at %s", stage).isEqualTo(tasks);
    assertThat(
            List.of(
                s.failed(), s.duplicates(), s.pending(), s.claimed(), s.running(), s.unfinished()))
        .as("failed, duplicates, pending, claimed, running, unfinished at %s", stage)
        .containsOnly(0L);
    assertThat(s.finished()).as("%s finished", stage).isTrue();
  }

  private static List<String> edgeList(TaskGraph graph) {
    return graph.edges().stream().map(Object::toString).toList();
  }

  // ---------------------------------------------------------------- TaskChain

  @ParameterizedTest
  @EnumSource(Layout.class)
  void aChainRunsEveryTaskThroughEveryStage(Layout layout) {
    TaskStage<Integer, Integer> a = map("a", x -> x + 1);
    TaskStage<Integer, Integer> b = map("b", x -> x * 2);
    TaskStage<Integer, Integer> c = map("c", x -> x - 3);
    try (TaskGraph chain = TaskChain.of(List.of(a, b, c), layout)) {
      assertThat(chain.name()).isEqualTo("chain");
      assertThat(chain.layout()).isEqualTo(layout);
      assertThat(edgeList(chain)).containsExactly("a -> b", "b -> c");

      GraphResult result = chain.run(a, range(1, 1000));

      assertThat(result.state()).isEqualTo(RunState.COMPLETED);
      assertThat(result.outputs(c))
          .containsExactlyInAnyOrderElementsOf(
              range(1, 1000).stream().map(x -> (x + 1) * 2 - 3).toList());
      for (String stage : List.of("a", "b", "c")) {
        counts(result, stage, 1000);
      }
    }
  }

  @Test
  void aChainTakesStagesThatAcceptMoreAndEmitLess() {
    TaskStage<Object, Integer> hash =
        TaskStage.map("hash", (Object o) -> o.hashCode() & 0xff).build();
    TaskStage<Number, Integer> half = TaskStage.map("half", (Number n) -> n.intValue() / 2).build();
    try (TaskGraph chain = TaskChain.<Integer>of(List.of(hash, half), Layout.STREAMING)) {
      assertThat(chain.run(hash, List.of(200, 10)).outputs(half)).containsExactlyInAnyOrder(100, 5);
    }
  }

  // ---------------------------------------------------------------- TaskLoop

  @Test
  void aLoopEndsByItselfOnceItsStagesStopEmitting() {
    TaskStage<Integer, Integer> a = countDown("a");
    TaskStage<Integer, Integer> b = countDown("b");
    TaskStage<Integer, Integer> c = countDown("c");
    try (TaskGraph loop = TaskLoop.of(List.of(a, b, c))) {
      assertThat(edgeList(loop)).containsExactly("a -> b", "b -> c", "c -> a");
      GraphAnalysis analysis = GraphAnalysis.of(loop);
      assertThat(analysis.entries()).isEmpty();
      assertThat(analysis.exits()).isEmpty();
      assertThat(analysis.stronglyConnectedComponents()).containsExactly(List.of("a", "b", "c"));

      // 5 visits a, b, c, a, b, c as 5, 4, 3, 2, 1, 0; 9 as 9, 8, ..., 0 (ending at a).
      GraphResult result = loop.newRun().input(a, List.of(5, 9)).collect(a, b, c).run();

      assertThat(result.state()).isEqualTo(RunState.COMPLETED);
      counts(result, "a", 6);
      counts(result, "b", 5);
      counts(result, "c", 5);
      assertThat(result.outputs(a)).containsExactlyInAnyOrder(4, 1, 8, 5, 2);
      assertThat(result.outputs(b)).containsExactlyInAnyOrder(3, 0, 7, 4, 1);
      assertThat(result.outputs(c)).containsExactlyInAnyOrder(2, 6, 3, 0);
    }
  }

  @Test
  void aLoopOfOneStageIsASelfLoop() {
    TaskStage<Integer, Integer> only = countDown("only");
    try (TaskGraph loop = TaskLoop.of(List.of(only))) {
      assertThat(edgeList(loop)).containsExactly("only -> only");
      GraphResult result = loop.newRun().input(only, List.of(3)).collect(only).run();
      counts(result, "only", 4);
      assertThat(result.outputs(only)).containsExactlyInAnyOrder(2, 1, 0);
    }
  }

  @Test
  void aLoopKeptOpenTakesInjectedTasksUntilItsInputsClose() throws Exception {
    TaskStage<Integer, Integer> a = countDown("a");
    TaskStage<Integer, Integer> b = countDown("b");
    TaskStage<Integer, Integer> c = countDown("c");
    try (TaskGraph loop = TaskLoop.of(List.of(a, b, c));
        GraphRun run = loop.newRun().keepOpen().collect(c).start()) {
      run.inject(a, 4); // a: 4, 1   b: 3, 0   c: 2
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(2))
          .until(() -> {
            GraphStatus s = run.status();
            return s.stats("a").succeeded() == 2
                && s.stats("b").succeeded() == 2
                && s.stats("c").succeeded() == 1;
          });
      Thread.sleep(50); // nothing is left in flight, yet the run waits for more
      assertThat(run.isDone()).as("inputs still open").isFalse();
      assertThat(run.status().state()).isEqualTo(RunState.RUNNING);

      run.inject("b", 2); // b: 2   c: 1   a: 0
      run.closeInputs();
      GraphResult result = run.await();

      assertThat(result.state()).isEqualTo(RunState.COMPLETED);
      counts(result, "a", 3);
      counts(result, "b", 3);
      counts(result, "c", 2);
      assertThat(result.outputs(c)).containsExactlyInAnyOrder(1, 0);
    }
  }

  @Test
  void aLoopBuilderTakesAnExitStage() {
    TaskStage<Integer, Integer> a = countDown("a");
    TaskStage<Integer, Integer> b = countDown("b");
    TaskStage<Integer, String> show = TaskStage.map("show", (Integer x) -> "v" + x).build();
    try (TaskGraph graph =
        TaskLoop.builder("loop-with-exit", List.of(a, b)).stage(show).edge(b, show).build()) {
      assertThat(edgeList(graph)).containsExactly("a -> b", "b -> a", "b -> show");
      assertThat(GraphAnalysis.of(graph).exits()).containsExactly("show");

      GraphResult result = graph.run(a, List.of(4)); // a: 4, 2, 0   b: 3, 1

      counts(result, "a", 3);
      counts(result, "b", 2);
      counts(result, "show", 2);
      assertThat(result.outputs(show)).containsExactlyInAnyOrder("v2", "v0");
    }
  }

  // ---------------------------------------------------------------- TaskCross

  @ParameterizedTest
  @EnumSource(Layout.class)
  void aCrossSendsEveryOutputToEveryStageOfTheNextLayer(Layout layout) {
    TaskStage<Integer, Integer> a = map("a", x -> x + 1);
    TaskStage<Integer, Integer> b1 = map("b1", x -> x * 10);
    TaskStage<Integer, Integer> b2 = map("b2", x -> x * 100);
    TaskStage<Integer, Integer> c1 = map("c1", x -> x + 1);
    TaskStage<Integer, Integer> c2 = map("c2", x -> x + 2);
    TaskStage<Integer, Integer> c3 = map("c3", x -> x + 3);
    try (TaskGraph cross =
        TaskCross.of(List.of(List.of(a), List.of(b1, b2), List.of(c1, c2, c3)), layout)) {
      assertThat(edgeList(cross))
          .containsExactly(
              "a -> b1",
              "a -> b2",
              "b1 -> c1",
              "b1 -> c2",
              "b1 -> c3",
              "b2 -> c1",
              "b2 -> c2",
              "b2 -> c3");
      assertThat(GraphAnalysis.of(cross).layers())
          .containsExactly(List.of("a"), List.of("b1", "b2"), List.of("c1", "c2", "c3"));

      GraphResult result = cross.run(a, List.of(1, 2, 3));

      counts(result, "a", 3);
      counts(result, "b1", 3);
      counts(result, "b2", 3);
      List<Integer> intoC = List.of(20, 30, 40, 200, 300, 400);
      for (int k = 1; k <= 3; k++) {
        int plus = k;
        counts(result, "c" + k, 6);
        assertThat(result.outputs("c" + k))
            .containsExactlyInAnyOrderElementsOf(intoC.stream().map(x -> x + plus).toList());
      }
    }
  }

  // ---------------------------------------------------------------- TaskGrid

  @ParameterizedTest
  @EnumSource(Layout.class)
  void aGridFeedsRightAndDownSoEachCellSeesEveryPathToIt(Layout layout) {
    List<List<TaskStage<Integer, Integer>>> rows = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      List<TaskStage<Integer, Integer>> row = new ArrayList<>();
      for (int j = 1; j <= 3; j++) {
        row.add(map("g" + i + j, x -> x + 1));
      }
      rows.add(row);
    }
    try (TaskGraph grid = TaskGrid.of(rows, layout)) {
      assertThat(edgeList(grid))
          .containsExactly(
              "g11 -> g12",
              "g11 -> g21",
              "g12 -> g13",
              "g12 -> g22",
              "g13 -> g23",
              "g21 -> g22",
              "g22 -> g23");
      GraphAnalysis analysis = GraphAnalysis.of(grid);
      assertThat(analysis.entries()).containsExactly("g11");
      assertThat(analysis.exits()).containsExactly("g23");
      assertThat(analysis.levels()).containsValues(0, 1, 2, 1, 2, 3);

      GraphResult result = grid.run(rows.get(0).get(0), List.of(0, 10));

      // The cell in row i, column j (from 0) is reached by (i+j)!/(i! j!) paths, each adding 1.
      counts(result, "g11", 2);
      counts(result, "g12", 2);
      counts(result, "g13", 2);
      counts(result, "g21", 2);
      counts(result, "g22", 4);
      counts(result, "g23", 6);
      assertThat(result.outputs("g23")).containsExactlyInAnyOrder(4, 4, 4, 14, 14, 14);
    }
  }

  // ---------------------------------------------------------------- TaskWheel

  @Test
  void aWheelEndsByItselfOnceTheRingStopsEmitting() {
    TaskStage<String, Integer> center =
        TaskStage.map("center", (String s) -> Integer.parseInt(s)).build();
    TaskStage<Integer, Integer> r1 = countDown("r1");
    TaskStage<Integer, Integer> r2 = countDown("r2");
    TaskStage<Integer, Integer> r3 = countDown("r3");
    try (TaskGraph wheel = TaskWheel.of(center, List.of(r1, r2, r3))) {
      assertThat(edgeList(wheel))
          .containsExactly(
              "center -> r1", "center -> r2", "center -> r3", "r1 -> r2", "r2 -> r3", "r3 -> r1");
      GraphAnalysis analysis = GraphAnalysis.of(wheel);
      assertThat(analysis.entries()).containsExactly("center");
      assertThat(analysis.levels()).containsValues(0, 1, 1, 1);

      // Each ring stage gets 2 from the centre, then 1 and 0 passed along the ring.
      GraphResult result = wheel.newRun().input(center, List.of("2")).collect(r1, r2, r3).run();

      assertThat(result.state()).isEqualTo(RunState.COMPLETED);
      counts(result, "center", 1);
      for (TaskStage<Integer, Integer> r : List.of(r1, r2, r3)) {
        counts(result, r.name(), 3);
        assertThat(result.outputs(r)).containsExactlyInAnyOrder(1, 0);
      }
    }
  }

  // ---------------------------------------------------------------- TaskComplete

  @Test
  void aCompleteGraphOfDedupingStagesEndsWithEachValueProcessedOnceEverywhere() {
    List<TaskStage<Integer, Integer>> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      nodes.add(
          TaskStage.map("n" + i, (Integer x) -> x)
              .execution(Execution.threads(2))
              .dedupe()
              .build());
    }
    try (TaskGraph complete = TaskComplete.of(nodes)) {
      assertThat(edgeList(complete))
          .containsExactly("n1 -> n2", "n1 -> n3", "n2 -> n1", "n2 -> n3", "n3 -> n1", "n3 -> n2");

      GraphResult result =
          complete
              .newRun()
              .input(nodes.get(0), List.of(1, 2, 3))
              .collect(nodes.get(0), nodes.get(1), nodes.get(2))
              .run();

      // n1 gets the 3 inputs plus what n2 and n3 send back; n2 and n3 get what the other two send.
      assertThat(result.state()).isEqualTo(RunState.COMPLETED);
      assertThat(result.stats("n1").received()).isEqualTo(9);
      assertThat(result.stats("n1").duplicates()).isEqualTo(6);
      for (String n : List.of("n2", "n3")) {
        assertThat(result.stats(n).received()).isEqualTo(6);
        assertThat(result.stats(n).duplicates()).isEqualTo(3);
      }
      for (TaskStage<Integer, Integer> n : nodes) {
        assertThat(result.stats(n).succeeded()).isEqualTo(3);
        assertThat(result.outputs(n)).containsExactlyInAnyOrder(1, 2, 3);
      }
    }
  }

  @Test
  void aCompleteGraphOfOneStageHasNoEdge() {
    TaskStage<Integer, Integer> only = map("only", x -> x);
    try (TaskGraph complete = TaskComplete.of(List.of(only))) {
      assertThat(complete.edges()).isEmpty();
      assertThat(complete.run(only, List.of(7)).outputs(only)).containsExactly(7);
    }
  }

  // ---------------------------------------------------------------- mistakes

  @Test
  void cyclicShapesRefuseTheSerialLayout() {
    List<TaskStage<Integer, Integer>> ring = List.of(countDown("a"), countDown("b"));
    assertThatThrownBy(() -> TaskLoop.builder("loop", ring).layout(Layout.SERIAL).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("graph 'loop' has a cycle (a -> b -> a)")
        .hasMessageContaining("use Layout.STREAMING");
    assertThatThrownBy(() ->
            TaskWheel.builder("wheel", map("hub", x -> x), ring).layout(Layout.SERIAL).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("has a cycle");
    assertThatThrownBy(() -> TaskComplete.builder("complete", ring).layout(Layout.SERIAL).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("has a cycle");
    assertThat(GraphAnalysis.of(List.of("a", "b"), edges("a>b", "b>a")).findCycle())
        .as("what a processor would report at compile time")
        .contains(List.of("a", "b", "a"));
  }

  @Test
  void emptyOrMisshapenStructuresAreRejected() {
    TaskStage<Integer, Integer> a = map("a", x -> x);
    TaskStage<Integer, Integer> b = map("b", x -> x);
    List<TaskStage<Integer, Integer>> none = List.of();
    assertThatThrownBy(() -> TaskChain.of(none, Layout.STREAMING))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("TaskChain needs at least one stage");
    assertThatThrownBy(() -> TaskLoop.of(none))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("TaskLoop needs at least one stage");
    assertThatThrownBy(() -> TaskComplete.of(none))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("TaskComplete needs at least one stage");
    assertThatThrownBy(() -> TaskWheel.of(a, none))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("TaskWheel needs at least one ring stage");
    assertThatThrownBy(
            () -> TaskCross.of(List.<List<TaskStage<Integer, Integer>>>of(), Layout.STREAMING))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("TaskCross needs at least one layer");
    assertThatThrownBy(() -> TaskCross.of(List.of(List.of(a), none), Layout.STREAMING))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("TaskCross layer 2 needs at least one stage");
    assertThatThrownBy(
            () -> TaskGrid.of(List.<List<TaskStage<Integer, Integer>>>of(), Layout.STREAMING))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("TaskGrid needs at least one row");
    assertThatThrownBy(
            () -> TaskGrid.of(List.of(List.of(a, b), List.of(map("c", x -> x))), Layout.STREAMING))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("TaskGrid must be rectangular: row 2 has 1 stages, row 1 has 2");
    assertThatThrownBy(() -> TaskChain.of(List.of(a, b, a), Layout.STREAMING))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("stage 'a' was added to graph 'chain' twice");
  }
}
