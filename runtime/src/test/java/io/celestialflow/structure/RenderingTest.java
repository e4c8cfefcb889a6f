package io.celestialflow.structure;

import static io.celestialflow.structure.GraphAnalysisTest.analyse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.celestialflow.Execution;
import io.celestialflow.Layout;
import io.celestialflow.Routed;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The text rendering, the Mermaid flowchart and the JSON topology, compared to expected output. */
@Timeout(10)
class RenderingTest {

  private static TaskStage<Integer, Integer> countDown(String name) {
    return TaskStage.splitter(name, (Integer x) -> x > 0 ? List.of(x - 1) : List.<Integer>of())
        .execution(Execution.threads(2))
        .build();
  }

  private static TaskGraph wheel() {
    TaskStage<Integer, Integer> center = TaskStage.map("center", (Integer x) -> x).build();
    return TaskWheel.of(center, List.of(countDown("r1"), countDown("r2"), countDown("r3")));
  }

  // ---------------------------------------------------------------- text

  @Test
  void aWheelRendersAsTheOriginalPrintedIt() {
    try (TaskGraph graph = wheel()) {
      assertThat(GraphAnalysis.of(graph).renderText())
          .isEqualTo(
              """
              +-----------------------------------------------------------------------------------+
              | center (layout: STREAMING, kind: MAP, mode: SERIAL)                               |
              | ╘-->r1 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2)                       |
              |     ╘-->r2 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2)                   |
              |         ╘-->r3 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2)               |
              |             ╘-->r1 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2) [Visited] |
              | ╘-->r2 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2) [Visited]             |
              | ╘-->r3 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2) [Visited]             |
              +-----------------------------------------------------------------------------------+\
              """);
    }
  }

  @Test
  void aSerialChainShowsItsLayoutOnEveryStage() {
    TaskStage<Integer, Integer> a = TaskStage.map("a", (Integer x) -> x).build();
    TaskStage<Integer, Integer> b =
        TaskStage.map("b", (Integer x) -> x).execution(Execution.threads(4)).build();
    TaskStage<Integer, Integer> c = TaskStage.map("c", (Integer x) -> x).build();
    try (TaskGraph chain = TaskChain.of(List.of(a, b, c), Layout.SERIAL)) {
      assertThat(GraphAnalysis.of(chain).renderText())
          .isEqualTo(
              """
              +-----------------------------------------------------+
              | a (layout: SERIAL, kind: MAP, mode: SERIAL)         |
              | ╘-->b (layout: SERIAL, kind: MAP, mode: THREAD x4)  |
              |     ╘-->c (layout: SERIAL, kind: MAP, mode: SERIAL) |
              +-----------------------------------------------------+\
              """);
    }
  }

  @Test
  void aSharedStageIsExpandedOnceAndMarkedVisitedAfterwards() {
    GraphAnalysis diamond =
        analyse(List.of("a", "b", "c", "d", "e"), "a>b", "a>c", "b>d", "c>d", "d>e");

    assertThat(diamond.renderText())
        .isEqualTo(
            """
            +-----------------------------------------+
            | a (layout: STREAMING)                   |
            | ╘-->b (layout: STREAMING)               |
            |     ╘-->d (layout: STREAMING)           |
            |         ╘-->e (layout: STREAMING)       |
            | ╘-->c (layout: STREAMING)               |
            |     ╘-->d (layout: STREAMING) [Visited] |
            +-----------------------------------------+\
            """);
  }

  @Test
  void eachTreeOfAForestIsRenderedApart() {
    GraphAnalysis forest = analyse(List.of("r1", "x", "y", "r2", "z"), "r1>x", "r1>y", "r2>z");

    assertThat(forest.renderText())
        .isEqualTo(
            """
            +---------------------------+
            | r1 (layout: STREAMING)    |
            | ╘-->x (layout: STREAMING) |
            | ╘-->y (layout: STREAMING) |
            |                           |
            | r2 (layout: STREAMING)    |
            | ╘-->z (layout: STREAMING) |
            +---------------------------+\
            """);
  }

  @Test
  void aPartWithoutEntryStartsAtItsFirstStageAndSelfLoopsShowAsVisited() {
    GraphAnalysis a =
        analyse(List.of("gen", "show", "p", "q", "s"), "gen>show", "p>q", "q>p", "q>s", "s>s");

    assertThat(a.renderText())
        .isEqualTo(
            """
            +---------------------------------------------+
            | gen (layout: STREAMING)                     |
            | ╘-->show (layout: STREAMING)                |
            |                                             |
            | p (layout: STREAMING)                       |
            | ╘-->q (layout: STREAMING)                   |
            |     ╘-->p (layout: STREAMING) [Visited]     |
            |     ╘-->s (layout: STREAMING)               |
            |         ╘-->s (layout: STREAMING) [Visited] |
            +---------------------------------------------+\
            """);
  }

  @Test
  void namesOutsideTheBasicPlaneArePaddedByCharacterNotByCharUnit() {
    GraphAnalysis a = analyse(List.of("🌍", "b"), "🌍>b");

    assertThat(a.renderText())
        .isEqualTo(
            """
            +---------------------------+
            | 🌍 (layout: STREAMING)     |
            | ╘-->b (layout: STREAMING) |
            +---------------------------+\
            """);
  }

  // ---------------------------------------------------------------- Mermaid

  @Test
  void aWheelBecomesAFlowchartWithItsRingInACycleSubgraph() {
    try (TaskGraph graph = wheel()) {
      assertThat(GraphAnalysis.of(graph).toMermaid())
          .isEqualTo(
              """
              flowchart LR
                  s0["center"]
                  subgraph c1 [cycle]
                      s1[["r1"]]
                      s2[["r2"]]
                      s3[["r3"]]
                  end
                  s0 --> s1
                  s0 --> s2
                  s0 --> s3
                  s1 --> s2
                  s2 --> s3
                  s3 --> s1
              """);
    }
  }

  @Test
  void nodesAreShapedByKindAndNamesAreEscaped() {
    TaskStage<String, String> say = TaskStage.map("say \"hi\"", (String s) -> s).build();
    TaskStage<String, String> route =
        TaskStage.router("route#1", (String s) -> Routed.to("split<x>", s)).build();
    TaskStage<String, String> split =
        TaskStage.splitter("split<x>", (String s) -> List.of(s, s)).build();
    TaskStage<String, Void> sink = TaskStage.consumer("a & `b`", (String s) -> {}).build();
    try (TaskGraph graph =
        TaskGraph.builder("shapes")
            .stages(say, route, split, sink)
            .edge(say, route)
            .edge(route, split)
            .edge(split, split)
            .edge(split, sink)
            .build()) {
      assertThat(GraphAnalysis.of(graph).toMermaid())
          .isEqualTo(
              """
              flowchart LR
                  s0["say #34;hi#34;"]
                  s1{"route#35;1"}
                  s2[["split#60;x#62;"]]
                  s3(["a #38; #96;b#96;"])
                  s0 --> s1
                  s1 --> s2
                  s2 --> s2
                  s2 --> s3
              """);
    }
  }

  @Test
  void twoCyclesGetTwoSubgraphs() {
    GraphAnalysis a =
        analyse(List.of("a", "b", "c", "d", "e"), "a>b", "b>a", "b>c", "c>d", "d>c", "d>e");

    assertThat(a.toMermaid())
        .isEqualTo(
            """
            flowchart LR
                subgraph c0 [cycle]
                    s0["a"]
                    s1["b"]
                end
                subgraph c1 [cycle]
                    s2["c"]
                    s3["d"]
                end
                s4["e"]
                s0 --> s1
                s1 --> s0
                s1 --> s2
                s2 --> s3
                s3 --> s2
                s3 --> s4
            """);
  }

  // ---------------------------------------------------------------- topology

  @Test
  void theTopologySerialisesToTheExpectedJson() {
    try (TaskGraph graph = wheel()) {
      Topology topology = GraphAnalysis.of(graph).topology();

      String expected =
          """
          {
            "graph": "wheel", "layout": "STREAMING", "acyclic": false,
            "stages": [
              {"name": "center", "kind": "MAP", "mode": "SERIAL", "workers": 1,
               "virtualThreads": false, "layout": "STREAMING", "level": 0, "scc": 0, "cyclic": false},
              {"name": "r1", "kind": "SPLITTER", "mode": "THREAD", "workers": 2,
               "virtualThreads": false, "layout": "STREAMING", "level": 1, "scc": 1, "cyclic": true},
              {"name": "r2", "kind": "SPLITTER", "mode": "THREAD", "workers": 2,
               "virtualThreads": false, "layout": "STREAMING", "level": 1, "scc": 1, "cyclic": true},
              {"name": "r3", "kind": "SPLITTER", "mode": "THREAD", "workers": 2,
               "virtualThreads": false, "layout": "STREAMING", "level": 1, "scc": 1, "cyclic": true}
            ],
            "edges": [
              {"from": "center", "to": "r1", "cyclic": false},
              {"from": "center", "to": "r2", "cyclic": false},
              {"from": "center", "to": "r3", "cyclic": false},
              {"from": "r1", "to": "r2", "cyclic": true},
              {"from": "r2", "to": "r3", "cyclic": true},
              {"from": "r3", "to": "r1", "cyclic": true}
            ],
            "components": [
              {"id": 0, "stages": ["center"], "cyclic": false, "level": 0},
              {"id": 1, "stages": ["r1", "r2", "r3"], "cyclic": true, "level": 1}
            ],
            "condensation": [{"from": 0, "to": 1}],
            "entries": ["center"],
            "exits": []
          }
          """;
      assertThat(JsonParser.parseString(topology.toJson()))
          .isEqualTo(JsonParser.parseString(expected));
      assertThat(Topology.fromJson(topology.toJson())).isEqualTo(topology);
      assertThat(topology.edges().get(3).spec()).hasToString("r1 -> r2");
    }
  }

  @Test
  void aNamesOnlyTopologyLeavesOutWhatItDoesNotKnow() {
    Topology topology = analyse(List.of("a<b", "c"), "a<b>c").topology();

    assertThat(JsonParser.parseString(topology.toJson()))
        .isEqualTo(
            JsonParser.parseString(
                """
                {"graph": "graph", "layout": "STREAMING", "acyclic": true,
                 "stages": [
                   {"name": "a<b", "layout": "STREAMING", "level": 0, "scc": 0, "cyclic": false},
                   {"name": "c", "layout": "STREAMING", "level": 1, "scc": 1, "cyclic": false}],
                 "edges": [{"from": "a<b", "to": "c", "cyclic": false}],
                 "components": [
                   {"id": 0, "stages": ["a<b"], "cyclic": false, "level": 0},
                   {"id": 1, "stages": ["c"], "cyclic": false, "level": 1}],
                 "condensation": [{"from": 0, "to": 1}],
                 "entries": ["a<b"], "exits": ["c"]}
                """));
    assertThat(topology.toJson()).as("no HTML escaping").contains("\"a<b\"");
    assertThat(Topology.fromJson(topology.toJson())).isEqualTo(topology);
  }

  @Test
  void readingSomethingElseIsAClearError() {
    assertThatThrownBy(() -> Topology.fromJson("")).isInstanceOf(JsonParseException.class);
    assertThatThrownBy(() -> Topology.fromJson("[1, 2]")).isInstanceOf(JsonParseException.class);
  }
}
