package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad definitions and bad inputs get a clear exception from one hierarchy. */
@Timeout(30)
class ValidationTest {
  private final TaskStage<Integer, Integer> a = TaskStage.map("a", (Integer x) -> x).build();
  private final TaskStage<Integer, Integer> b = TaskStage.map("b", (Integer x) -> x).build();
  private final TaskStage<Integer, Integer> c = TaskStage.map("c", (Integer x) -> x).build();

  @Test
  void duplicateStageNamesAreRejected() {
    TaskStage<Integer, Integer> otherA = TaskStage.map("a", (Integer x) -> x + 1).build();
    assertThatThrownBy(() -> TaskGraph.builder("g").stage(a).stage(otherA))
        .isInstanceOf(GraphDefinitionException.class)
        .isInstanceOf(CelestialFlowException.class)
        .hasMessage("graph 'g' already has a stage named 'a'; stage names must be unique");
    assertThatThrownBy(() -> TaskGraph.builder("g").stage(a).stage(a))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("stage 'a' was added to graph 'g' twice");
  }

  @Test
  void edgesMustConnectStagesOfTheGraph() {
    assertThatThrownBy(() -> TaskGraph.builder("g").stage(a).edge(a, b))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage(
            "edge target 'b' is not a stage of graph 'g'; add it with stage(...) first (stages: [a])");
    TaskStage<Integer, Integer> impostor = TaskStage.map("b", (Integer x) -> x).build();
    assertThatThrownBy(() -> TaskGraph.builder("g").stages(a, b).edge(a, impostor))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("different stage object");
    assertThatThrownBy(() -> TaskGraph.builder("g").stages(a, b).edge(a, b).edge(a, b))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("graph 'g' already has the edge a -> b");
  }

  @Test
  void aConsumerCannotHaveDownstreamStages() {
    TaskStage<Integer, Void> sink = TaskStage.consumer("sink", (Integer x) -> {}).build();
    TaskStage<Object, Object> any = TaskStage.map("any", (Object x) -> x).build();
    assertThatThrownBy(() -> TaskGraph.builder("g").stages(sink, any).edge(sink, any))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage(
            "stage 'sink' is a consumer and emits nothing, so it cannot have an edge to 'any'");
  }

  @Test
  void stageNamesAndSettingsAreChecked() {
    assertThatThrownBy(() -> TaskStage.map(" ", (Integer x) -> x))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("a stage name must not be blank");
    assertThatThrownBy(() -> Execution.threads(0))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("threads must be at least 1, was 0");
    assertThatThrownBy(() -> Execution.virtualThreads(-3))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("virtual threads in flight must be at least 1, was -3");
    assertThatThrownBy(() ->
            TaskStage.map("x", (Integer x) -> x)
                .execution(Execution.serial())
                .execution(Execution.threads(2)))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("stage 'x': execution was already set to SERIAL");
    assertThatThrownBy(() -> TaskStage.map("x", (Integer x) -> x).execution(Execution.async(4)))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("Execution.async(n) needs a function returning CompletionStage");
    assertThatThrownBy(() -> TaskStage.map("x", (Integer x) -> x).dedupe().dedupe())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("stage 'x': dedupe was already set");
    assertThatThrownBy(() ->
            TaskStage.async("x", (Integer x) -> CompletableFuture.completedFuture(x))
                .execution(Execution.threads(2)))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining(
            "returns a CompletionStage, so its execution is Execution.async(n), not THREAD x2");
    assertThatThrownBy(() -> TaskStage.map("x", (Integer x) -> x).timeout(Duration.ZERO))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("stage 'x': timeout must be positive, was PT0S");
    assertThatThrownBy(() -> RetryPolicy.on(RuntimeException.class).maxAttempts(0))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("maxAttempts must be at least 1");
    assertThatThrownBy(() -> RetryPolicy.on(RuntimeException.class).jitter(1.5))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("retry jitter must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> TaskGraph.builder("g").inboxCapacity(0))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("inbox capacity must be at least 1, was 0");
    assertThatThrownBy(() -> TaskGraph.builder("g").build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("graph 'g' has no stages");
  }

  @Test
  void theSerialLayoutRefusesACycleAndNamesIt() {
    assertThatThrownBy(() ->
            TaskGraph.builder("loop")
                .stages(a, b, c)
                .edge(a, b)
                .edge(b, c)
                .edge(c, a)
                .layout(Layout.SERIAL)
                .build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage(
            "graph 'loop' has a cycle (a -> b -> c -> a), so it cannot use the SERIAL layout, which"
                + " runs stages one at a time in topological order; use Layout.STREAMING");
    assertThatThrownBy(
            () -> TaskGraph.builder("self").stage(a).edge(a, a).layout(Layout.SERIAL).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("has a cycle (a -> a)");
  }

  @Test
  void inputsForAStageNotInTheGraphAreRejected() {
    try (TaskGraph graph = TaskGraph.builder("g").stage(a).build()) {
      assertThatThrownBy(() -> graph.newRun().input(b, List.of(1)))
          .isInstanceOf(GraphInputException.class)
          .isInstanceOf(CelestialFlowException.class)
          .hasMessage("input: no stage named 'b' in graph 'g' (stages: [a])");
      assertThatThrownBy(() -> graph.newRun().input("nope", List.of(1)))
          .isInstanceOf(GraphInputException.class)
          .hasMessage("no stage named 'nope' in graph 'g' (stages: [a])");
      assertThatThrownBy(() -> graph.newRun().collect(b)).isInstanceOf(GraphInputException.class);
      GraphRun run = graph.newRun().input(a, List.of(1)).start();
      assertThatThrownBy(() -> run.outputs(a))
          .isInstanceOf(GraphInputException.class)
          .hasMessageContaining("was not registered for streaming");
      GraphResult result = run.await();
      assertThatThrownBy(() -> result.stats("zzz")).isInstanceOf(GraphInputException.class);
    }
  }

  @Test
  void aRunBuilderIsUsedOnce() {
    try (TaskGraph graph = TaskGraph.builder("g").stage(a).build()) {
      RunBuilder builder = graph.newRun().input(a, List.of(1));
      assertThat(builder.run().outputs(a)).containsExactly(1);
      assertThatThrownBy(builder::start)
          .isInstanceOf(GraphStateException.class)
          .hasMessageContaining("already used");
    }
  }

  @Test
  void tasksOfTheWrongTypeFailLikeAnyOtherTask() {
    try (TaskGraph graph = TaskGraph.builder("g").stage(a).build()) {
      GraphResult result = graph.newRun().input("a", List.of(1, "two", 3)).run();
      assertThat(result.outputs(a)).containsExactlyInAnyOrder(1, 3);
      assertThat(result.failures())
          .singleElement()
          .satisfies(f -> {
            assertThat(f.task()).isEqualTo("two");
            assertThat(f.exceptionType()).isEqualTo(ClassCastException.class.getName());
          });
    }
  }
}
