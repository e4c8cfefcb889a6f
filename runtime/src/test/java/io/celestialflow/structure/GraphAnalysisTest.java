package io.celestialflow.structure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.EdgeSpec;
import io.celestialflow.Execution;
import io.celestialflow.ExecutionMode;
import io.celestialflow.GraphDefinitionException;
import io.celestialflow.GraphInputException;
import io.celestialflow.Layout;
import io.celestialflow.StageKind;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.structure.GraphAnalysis.ComponentEdge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every analysis result, checked on small graphs whose answers are known by hand. */
@Timeout(10)
class GraphAnalysisTest {

  /** Edges from a compact description: {@code "a>b", "b>c"}. */
  static List<EdgeSpec> edges(String... arrows) {
    List<EdgeSpec> out = new ArrayList<>();
    for (String arrow : arrows) {
      String[] ends = arrow.split(">", 2);
      out.add(new EdgeSpec(ends[0], ends[1]));
    }
    return out;
  }

  static GraphAnalysis analyse(List<String> stages, String... arrows) {
    return GraphAnalysis.of(stages, edges(arrows));
  }

  @Test
  void aChainIsAcyclicWithOneLevelPerStage() {
    GraphAnalysis a = analyse(List.of("a", "b", "c"), "a>b", "b>c");

    assertThat(a.isAcyclic()).isTrue();
    assertThat(a.stronglyConnectedComponents())
        .containsExactly(List.of("a"), List.of("b"), List.of("c"));
    assertThat(a.condensation()).containsExactly(new ComponentEdge(0, 1), new ComponentEdge(1, 2));
    assertThat(a.levels()).containsExactly(Map.entry("a", 0), Map.entry("b", 1), Map.entry("c", 2));
    assertThat(a.layers()).containsExactly(List.of("a"), List.of("b"), List.of("c"));
    assertThat(a.entries()).containsExactly("a");
    assertThat(a.exits()).containsExactly("c");
    assertThat(a.selfLoops()).isEmpty();
    assertThat(a.findCycle()).isEmpty();
    assertThat(a.isOnCycle("b")).isFalse();
  }

  @Test
  void aSelfLoopIsACycleOfOneStage() {
    GraphAnalysis a = analyse(List.of("gen", "step", "show"), "gen>step", "step>step", "step>show");

    assertThat(a.isAcyclic()).isFalse();
    assertThat(a.stronglyConnectedComponents())
        .containsExactly(List.of("gen"), List.of("step"), List.of("show"));
    assertThat(a.condensation()).containsExactly(new ComponentEdge(0, 1), new ComponentEdge(1, 2));
    assertThat(a.levels())
        .containsExactly(Map.entry("gen", 0), Map.entry("step", 1), Map.entry("show", 2));
    assertThat(a.selfLoops()).containsExactly("step");
    assertThat(a.isOnCycle("step")).isTrue();
    assertThat(a.isOnCycle("gen")).isFalse();
    assertThat(a.findCycle()).contains(List.of("step", "step"));
    assertThat(a.entries()).containsExactly("gen");
    assertThat(a.exits()).containsExactly("show");
  }

  @Test
  void aStageWhoseOnlyUpstreamIsItselfIsNotAnEntry() {
    GraphAnalysis a = analyse(List.of("step", "show"), "step>step", "step>show");

    assertThat(a.entries()).isEmpty();
    assertThat(a.level("step")).isZero();
    assertThat(a.level("show")).isEqualTo(1);
  }

  @Test
  void twoCyclesInARowAreTwoComponentsOnTwoLevels() {
    GraphAnalysis a =
        analyse(List.of("a", "b", "c", "d", "e"), "a>b", "b>a", "b>c", "c>d", "d>c", "d>e");

    assertThat(a.isAcyclic()).isFalse();
    assertThat(a.stronglyConnectedComponents())
        .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
    assertThat(a.componentOf("d")).isEqualTo(1);
    assertThat(a.condensation()).containsExactly(new ComponentEdge(0, 1), new ComponentEdge(1, 2));
    assertThat(a.levels())
        .containsExactly(
            Map.entry("a", 0),
            Map.entry("b", 0),
            Map.entry("c", 1),
            Map.entry("d", 1),
            Map.entry("e", 2));
    assertThat(a.layers()).containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
    assertThat(a.entries()).as("a is fed by b").isEmpty();
    assertThat(a.exits()).containsExactly("e");
    assertThat(a.findCycle()).contains(List.of("a", "b", "a"));
  }

  @Test
  void aForestHasOneEntryPerTreeAndSharesLevels() {
    GraphAnalysis a = analyse(List.of("r1", "x", "y", "r2", "z"), "r1>x", "r1>y", "r2>z");

    assertThat(a.isAcyclic()).isTrue();
    assertThat(a.stronglyConnectedComponents()).hasSize(5);
    assertThat(a.condensation())
        .containsExactly(new ComponentEdge(0, 1), new ComponentEdge(0, 2), new ComponentEdge(3, 4));
    assertThat(a.layers()).containsExactly(List.of("r1", "r2"), List.of("x", "y", "z"));
    assertThat(a.entries()).containsExactly("r1", "r2");
    assertThat(a.exits()).containsExactly("x", "y", "z");
  }

  @Test
  void theLevelIsTheLongestPathNotTheShortest() {
    GraphAnalysis a = analyse(List.of("a", "b", "c"), "a>c", "a>b", "b>c");

    assertThat(a.level("c")).isEqualTo(2);
  }

  @Test
  void componentsAreNumberedByTheirFirstStageAndListedInInsertionOrder() {
    GraphAnalysis a = analyse(List.of("z", "b", "y", "a"), "a>b", "b>a", "z>a", "y>z");

    assertThat(a.stronglyConnectedComponents())
        .containsExactly(List.of("z"), List.of("b", "a"), List.of("y"));
    assertThat(a.condensation()).containsExactly(new ComponentEdge(0, 1), new ComponentEdge(2, 0));
    assertThat(a.levels())
        .containsExactly(
            Map.entry("z", 1), Map.entry("b", 2), Map.entry("y", 0), Map.entry("a", 2));
  }

  @Test
  void theCycleFoundIsTheShortestThroughTheFirstCyclicStage() {
    assertThat(analyse(List.of("a", "b", "c"), "a>b", "b>c", "c>a").findCycle())
        .contains(List.of("a", "b", "c", "a"));
    assertThat(analyse(List.of("a", "b", "c"), "a>b", "b>c", "c>a", "a>c").findCycle())
        .contains(List.of("a", "c", "a"));
    assertThat(analyse(List.of("x", "a", "b"), "x>a", "a>b", "b>a", "b>b").findCycle())
        .as("a comes first and has no self-loop")
        .contains(List.of("a", "b", "a"));
  }

  @Test
  void aCompleteGraphIsOneComponent() {
    GraphAnalysis a =
        analyse(List.of("n1", "n2", "n3"), "n1>n2", "n1>n3", "n2>n1", "n2>n3", "n3>n1", "n3>n2");

    assertThat(a.stronglyConnectedComponents()).containsExactly(List.of("n1", "n2", "n3"));
    assertThat(a.condensation()).isEmpty();
    assertThat(a.layers()).containsExactly(List.of("n1", "n2", "n3"));
    assertThat(a.entries()).isEmpty();
    assertThat(a.exits()).isEmpty();
  }

  @Test
  void anEmptyGraphHasNothing() {
    GraphAnalysis a = GraphAnalysis.of(List.of(), List.of());

    assertThat(a.isAcyclic()).isTrue();
    assertThat(a.stronglyConnectedComponents()).isEmpty();
    assertThat(a.layers()).isEmpty();
    assertThat(a.renderText()).isEqualTo("+ No stages defined +");
    assertThat(a.toMermaid()).isEqualTo("flowchart LR\n");
  }

  @Test
  void aTaskGraphIsAnalysedWithItsStagesAndLayout() {
    TaskStage<Integer, Integer> gen =
        TaskStage.map("gen", (Integer x) -> x).execution(Execution.threads(3)).build();
    TaskStage<Integer, Integer> step =
        TaskStage.splitter("step", (Integer x) -> x > 0 ? List.of(x - 1) : List.<Integer>of())
            .execution(Execution.virtualThreads(50))
            .build();
    TaskStage<Integer, Void> sink = TaskStage.consumer("sink", (Integer x) -> {}).build();
    try (TaskGraph graph =
        TaskGraph.builder("g")
            .stages(gen, step, sink)
            .edge(gen, step)
            .edge(step, step)
            .edge(step, sink)
            .build()) {
      GraphAnalysis a = GraphAnalysis.of(graph);

      assertThat(a.graphName()).isEqualTo("g");
      assertThat(a.layout()).isEqualTo(Layout.STREAMING);
      assertThat(a.stages()).containsExactly("gen", "step", "sink");
      assertThat(a.edges()).isEqualTo(graph.edges());
      assertThat(a.isAcyclic()).isEqualTo(graph.isAcyclic()).isFalse();
      assertThat(a.entries())
          .isEqualTo(graph.entryStages().stream().map(TaskStage::name).toList())
          .containsExactly("gen");
      assertThat(a.exits())
          .isEqualTo(graph.exitStages().stream().map(TaskStage::name).toList())
          .containsExactly("sink");
      assertThat(a.stageInfo("step"))
          .contains(new StageInfo("step", StageKind.SPLITTER, ExecutionMode.THREAD, 50, true));
      assertThat(a.stageInfo("step").orElseThrow().execution()).isEqualTo("VIRTUAL THREADS x50");
      assertThat(a.stageInfo("gen").orElseThrow().execution()).isEqualTo("THREAD x3");
      assertThat(a.stageInfo("sink").orElseThrow().execution()).isEqualTo("SERIAL");
      assertThat(a).hasToString("GraphAnalysis[g, 3 stages, 3 edges, 3 components, cyclic]");
    }
  }

  @Test
  void aNamesOnlyAnalysisKnowsNothingElse() {
    GraphAnalysis a = analyse(List.of("a"));

    assertThat(a.graphName()).isEqualTo("graph");
    assertThat(a.layout()).isEqualTo(Layout.STREAMING);
    assertThat(a.stageInfo("a")).isEmpty();
  }

  @Test
  void mistakesAreReportedWithTheGraphsWords() {
    assertThatThrownBy(() -> analyse(List.of("a", "a")))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("graph 'graph' has two stages named 'a'");
    assertThatThrownBy(() -> analyse(List.of("a", "b"), "a>c"))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage(
            "graph 'graph': the edge a -> c names 'c', which is not one of its stages [a, b]");
    assertThatThrownBy(() -> analyse(List.of("a", "b"), "a>b", "a>b"))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("graph 'graph' has the edge a -> b twice");
    assertThatThrownBy(() -> analyse(List.of(" ")))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("graph 'graph': a stage name is blank");
    assertThatThrownBy(() -> analyse(List.of("a")).level("b"))
        .isInstanceOf(GraphInputException.class)
        .hasMessage("no stage named 'b' in graph 'graph' (stages: [a])");
    assertThatThrownBy(() -> new StageInfo("a", StageKind.MAP, ExecutionMode.THREAD, 0, false))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessage("stage 'a': workers must be at least 1, was 0");
  }

  @Test
  void resultsAreImmutable() {
    GraphAnalysis a = analyse(List.of("a", "b"), "a>b");

    assertThatThrownBy(() -> a.stronglyConnectedComponents().add(List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> a.layers().get(0).add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> a.levels().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> a.entries().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aLongChainDoesNotOverflowTheStack() {
    List<String> names = new ArrayList<>();
    List<EdgeSpec> line = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      names.add("s" + i);
      if (i > 0) {
        line.add(new EdgeSpec("s" + (i - 1), "s" + i));
      }
    }
    GraphAnalysis a = GraphAnalysis.of(names, line);

    assertThat(a.level("s19999")).isEqualTo(19_999);
    assertThat(a.stronglyConnectedComponents()).hasSize(20_000);
    assertThat(a.toMermaid().lines().count()).isEqualTo(1 + 20_000 + 19_999);
  }
}
