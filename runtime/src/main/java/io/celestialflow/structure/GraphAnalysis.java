package io.celestialflow.structure;

import io.celestialflow.EdgeSpec;
import io.celestialflow.GraphDefinitionException;
import io.celestialflow.GraphInputException;
import io.celestialflow.Layout;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.graph.GraphShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * The structure of a graph, analysed with JGraphT (through {@link GraphShape}, the one topology the
 * engine and the annotation processor use too): whether it is acyclic, its strongly connected
 * components and their condensation, the level of each stage, its entry and exit stages, one cycle
 * as a path; and three renderings of it: {@link #renderText() text} as the original library printed
 * it, a {@link #toMermaid() Mermaid flowchart} and a {@link #topology() topology} that serialises
 * to JSON.
 *
 * <pre>{@code
 * GraphAnalysis analysis = GraphAnalysis.of(graph);
 * analysis.isAcyclic();                    // false for a loop
 * analysis.stronglyConnectedComponents();  // [[center], [ring-1, ring-2, ring-3]]
 * analysis.levels();                       // {center=0, ring-1=1, ring-2=1, ring-3=1}
 * System.out.println(analysis.renderText());
 * }</pre>
 *
 * <p>The analysis works on plain stage names and {@link EdgeSpec}s ({@link #of(List, Collection)});
 * {@link #of(TaskGraph)} adds what the graph knows about each stage (kind, execution mode, workers)
 * and its layout. So code that has no {@code TaskGraph} — an annotation processor checking that a
 * {@link Layout#SERIAL serial} graph has no cycle, say — can use the same analysis.
 *
 * <h2>Definitions</h2>
 *
 * <ul>
 *   <li>A <b>cycle</b> is a path from a stage back to itself; a self-loop is one.
 *   <li>A <b>strongly connected component</b> (SCC) is a largest set of stages that all reach each
 *       other. Every stage is in exactly one; a stage on no cycle is alone in its own. Components
 *       are numbered from 0 in the order of their first stage, and list their stages in insertion
 *       order.
 *   <li>The <b>condensation</b> is the graph of components: an edge between two components for
 *       every edge between their stages. It is always acyclic.
 *   <li>The <b>level</b> of a stage is the length of the longest path in the condensation from a
 *       component without upstream to the stage's component: entry stages are at level 0, and
 *       stages of one cycle share a level.
 *   <li><b>Entry</b> stages have no upstream stage and <b>exit</b> stages no downstream stage, as
 *       in {@link TaskGraph#entryStages()} and {@link TaskGraph#exitStages()}: a stage whose only
 *       upstream is itself (a self-loop) is not an entry.
 * </ul>
 *
 * <p>Every result is deterministic: the same stages and edges in the same order give the same
 * answers and byte-identical renderings. Instances are immutable and thread-safe.
 */
public final class GraphAnalysis {
  private final String graphName;
  private final Layout layout;
  private final List<String> stages;
  private final List<@Nullable StageInfo> infos;
  private final List<EdgeSpec> edges;
  private final GraphShape shape;
  private final List<List<String>> components;
  private final List<ComponentEdge> condensation;

  /**
   * An edge of the condensation: some stage of component {@code from} feeds some stage of component
   * {@code to}.
   *
   * @param from the upstream component's id
   * @param to the downstream component's id
   */
  public record ComponentEdge(int from, int to) {}

  private GraphAnalysis(
      String graphName,
      Layout layout,
      List<String> stageNames,
      List<@Nullable StageInfo> infos,
      Collection<EdgeSpec> edgeSpecs) {
    this.graphName = graphName;
    this.layout = layout;
    this.stages = List.copyOf(stageNames);
    this.infos = Collections.unmodifiableList(new ArrayList<>(infos));
    this.edges = List.copyOf(edgeSpecs);
    for (String name : stages) {
      if (name.isBlank()) {
        throw new GraphDefinitionException("graph '" + graphName + "': a stage name is blank");
      }
    }
    List<GraphShape.Link> links = new ArrayList<>(edges.size());
    for (EdgeSpec e : edges) {
      links.add(new GraphShape.Link(e.from(), e.to()));
    }
    try {
      this.shape = GraphShape.of(stages, links);
    } catch (IllegalArgumentException e) {
      throw new GraphDefinitionException("graph '" + graphName + "' " + e.getMessage());
    }
    List<List<String>> named = new ArrayList<>();
    for (List<Integer> members : shape.components()) {
      named.add(members.stream().map(stages::get).toList());
    }
    this.components = List.copyOf(named);
    this.condensation =
        shape.condensation().stream().map(l -> new ComponentEdge(l.from(), l.to())).toList();
  }

  // ---------------------------------------------------------------- factories

  /**
   * Analyses a graph, with what it knows about each stage and its layout.
   *
   * @param graph the graph
   * @return the analysis
   */
  public static GraphAnalysis of(TaskGraph graph) {
    Objects.requireNonNull(graph, "graph");
    List<StageInfo> infos = new ArrayList<>();
    for (TaskStage<?, ?> s : graph.stages()) {
      infos.add(StageInfo.of(s));
    }
    return of(graph.name(), graph.layout(), infos, graph.edges());
  }

  /**
   * Analyses a graph described by its stages and edges, without a {@link TaskGraph}.
   *
   * @param graphName the graph's name
   * @param layout the graph's layout (shown in the renderings; not checked against cycles)
   * @param stages the stages, in insertion order; names must be unique
   * @param edges the edges, each between two of the stages, none repeated
   * @return the analysis
   * @throws GraphDefinitionException if a name is repeated or an edge names an unknown stage
   */
  public static GraphAnalysis of(
      String graphName, Layout layout, List<StageInfo> stages, Collection<EdgeSpec> edges) {
    Objects.requireNonNull(graphName, "graphName");
    Objects.requireNonNull(layout, "layout");
    List<String> names = new ArrayList<>();
    for (StageInfo s : stages) {
      names.add(s.name());
    }
    return new GraphAnalysis(graphName, layout, names, List.copyOf(stages), edges);
  }

  /**
   * Analyses the bare structure of a graph: stage names and edges only. The renderings then show
   * names without kind or mode, and the graph is called {@code "graph"} with the {@link
   * Layout#STREAMING} layout.
   *
   * @param stages the stage names, in insertion order, unique
   * @param edges the edges, each between two of the stages, none repeated
   * @return the analysis
   * @throws GraphDefinitionException if a name is repeated or an edge names an unknown stage
   */
  public static GraphAnalysis of(List<String> stages, Collection<EdgeSpec> edges) {
    List<@Nullable StageInfo> none = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      none.add(null);
    }
    return new GraphAnalysis("graph", Layout.STREAMING, stages, none, edges);
  }

  // ---------------------------------------------------------------- the graph

  /**
   * The graph's name.
   *
   * @return the name
   */
  public String graphName() {
    return graphName;
  }

  /**
   * The graph's layout.
   *
   * @return the layout
   */
  public Layout layout() {
    return layout;
  }

  /**
   * The stage names, in insertion order.
   *
   * @return the names
   */
  public List<String> stages() {
    return stages;
  }

  /**
   * The edges, in insertion order.
   *
   * @return the edges
   */
  public List<EdgeSpec> edges() {
    return edges;
  }

  /**
   * What is known about a stage besides its name: nothing for an analysis of names only.
   *
   * @param stage the stage name
   * @return its description, if known
   * @throws GraphInputException if there is no such stage
   */
  public Optional<StageInfo> stageInfo(String stage) {
    return Optional.ofNullable(infos.get(indexOf(stage)));
  }

  // ---------------------------------------------------------------- analysis

  /**
   * Whether the graph has no cycle (a self-loop is a cycle). Only acyclic graphs may use {@link
   * Layout#SERIAL}.
   *
   * @return true for a DAG
   */
  public boolean isAcyclic() {
    return shape.isAcyclic();
  }

  /**
   * The strongly connected components, numbered from 0 in the order of their first stage, each
   * listing its stages in insertion order.
   *
   * @return the components; the index of each is its id
   */
  public List<List<String>> stronglyConnectedComponents() {
    return components;
  }

  /**
   * The id of the strongly connected component a stage belongs to.
   *
   * @param stage the stage name
   * @return the component's index in {@link #stronglyConnectedComponents()}
   * @throws GraphInputException if there is no such stage
   */
  public int componentOf(String stage) {
    return shape.componentOf(indexOf(stage));
  }

  /**
   * The condensation: the edges between strongly connected components, sorted by source then target
   * id. Edges inside a component are not part of it.
   *
   * @return the edges between components
   */
  public List<ComponentEdge> condensation() {
    return condensation;
  }

  /**
   * The level of every stage: the longest path to it in the condensation, so that every edge
   * between components goes from a lower level to a higher one and the stages of a cycle share one
   * level.
   *
   * @return each stage's level, in insertion order
   */
  public Map<String, Integer> levels() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      out.put(stages.get(i), shape.level(shape.componentOf(i)));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The level of one stage; see {@link #levels()}.
   *
   * @param stage the stage name
   * @return its level, 0 for entries
   * @throws GraphInputException if there is no such stage
   */
  public int level(String stage) {
    return shape.level(componentOf(stage));
  }

  /**
   * The stages grouped by level: element {@code k} lists the stages at level {@code k}, in
   * insertion order.
   *
   * @return the layers
   */
  public List<List<String>> layers() {
    int depth = 0;
    for (int c = 0; c < components.size(); c++) {
      depth = Math.max(depth, shape.level(c) + 1);
    }
    List<List<String>> out = new ArrayList<>();
    for (int k = 0; k < depth; k++) {
      out.add(new ArrayList<>());
    }
    for (int i = 0; i < stages.size(); i++) {
      out.get(shape.level(shape.componentOf(i))).add(stages.get(i));
    }
    return out.stream().map(List::copyOf).toList();
  }

  /**
   * Stages with no upstream stage, in insertion order.
   *
   * @return the entry stages
   */
  public List<String> entries() {
    return names(shape.entries());
  }

  /**
   * Stages with no downstream stage, in insertion order.
   *
   * @return the exit stages
   */
  public List<String> exits() {
    return names(shape.exits());
  }

  /**
   * Stages that feed themselves, in insertion order.
   *
   * @return the stages with a self-loop
   */
  public List<String> selfLoops() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      if (shape.hasSelfLoop(i)) {
        out.add(stages.get(i));
      }
    }
    return List.copyOf(out);
  }

  private List<String> names(int[] indices) {
    List<String> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(stages.get(i));
    }
    return List.copyOf(out);
  }

  /**
   * Whether a stage lies on a cycle (a self-loop included).
   *
   * @param stage the stage name
   * @return true if the stage can reach itself
   * @throws GraphInputException if there is no such stage
   */
  public boolean isOnCycle(String stage) {
    return shape.isCyclic(componentOf(stage));
  }

  /**
   * One cycle of the graph as a path that starts and ends at the same stage, e.g. {@code [a, b,
   * a]}, or {@code [a, a]} for a self-loop: the shortest cycle through the first stage (in
   * insertion order) that lies on one. Handy for error messages such as "{@code serial} layout on
   * the cycle a -> b -> a".
   *
   * @return a cycle, or empty for an acyclic graph
   */
  public Optional<List<String>> findCycle() {
    return shape.shortestCycle().map(cycle -> cycle.stream().map(stages::get).toList());
  }

  // ---------------------------------------------------------------- renderings

  /**
   * The analysis as plain data, ready to serialise with {@link Topology#toJson()}.
   *
   * @return the topology
   */
  public Topology topology() {
    List<Topology.Stage> out = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      StageInfo info = infos.get(i);
      int c = shape.componentOf(i);
      out.add(
          new Topology.Stage(
              stages.get(i),
              info == null ? null : info.kind(),
              info == null ? null : info.mode(),
              info == null ? null : info.workers(),
              info == null ? null : info.virtualThreads(),
              layout,
              shape.level(c),
              c,
              shape.isCyclic(c)));
    }
    List<Topology.Edge> links = new ArrayList<>();
    for (EdgeSpec e : edges) {
      boolean cyclic = componentOf(e.from()) == componentOf(e.to());
      links.add(new Topology.Edge(e.from(), e.to(), cyclic));
    }
    List<Topology.Component> comps = new ArrayList<>();
    for (int c = 0; c < components.size(); c++) {
      comps.add(new Topology.Component(c, components.get(c), shape.isCyclic(c), shape.level(c)));
    }
    return new Topology(
        graphName, layout, isAcyclic(), out, links, comps, condensation, entries(), exits());
  }

  /**
   * The structure as the original library printed it: starting from each entry (and, for a graph
   * part that is all cycles, from its first stage), every stage with its layout, kind and mode, its
   * downstream stages indented under it after {@code ╘-->}, a stage already printed marked {@code
   * [Visited]} and not expanded again; trees separated by a blank line; all in a box.
   *
   * <pre>
   * +-----------------------------------------------------------------------------------+
   * | center (layout: STREAMING, kind: MAP, mode: SERIAL)                               |
   * | ╘-->r1 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2)                       |
   * |     ╘-->r2 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2)                   |
   * |         ╘-->r3 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2)               |
   * |             ╘-->r1 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2) [Visited] |
   * | ╘-->r2 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2) [Visited]             |
   * | ╘-->r3 (layout: STREAMING, kind: SPLITTER, mode: THREAD x2) [Visited]             |
   * +-----------------------------------------------------------------------------------+
   * </pre>
   *
   * (Java functions have no name to print, so where the original printed the function, a stage line
   * shows the stage's kind and execution mode; the stage name is usually the method's.)
   *
   * @return the rendering, lines separated by {@code \n}, without a final newline
   */
  public String renderText() {
    return TextRendering.render(this);
  }

  /**
   * The structure as a Mermaid flowchart, which GitHub renders inside a {@code ```mermaid} block.
   * Each stage is a node (shaped by kind: a rectangle for a map, a subroutine box for a splitter, a
   * rhombus for a router, a stadium for a consumer), each edge an arrow; the stages of each cycle
   * (each strongly connected component of more than one stage) are grouped in a subgraph titled
   * {@code cycle}, and a self-loop is an arrow from a stage back to itself. Node ids are generated
   * ({@code s0}, {@code s1}, ... in insertion order), so any stage name is safe; names are escaped
   * inside quoted labels.
   *
   * @return the flowchart source, ending with a newline
   */
  public String toMermaid() {
    return MermaidRendering.render(this);
  }

  @Override
  public String toString() {
    return "GraphAnalysis["
        + graphName
        + ", "
        + stages.size()
        + " stages, "
        + edges.size()
        + " edges, "
        + components.size()
        + " components, "
        + (isAcyclic() ? "acyclic" : "cyclic")
        + "]";
  }

  // ---------------------------------------------------------------- for the renderings

  int size() {
    return stages.size();
  }

  String name(int stage) {
    return stages.get(stage);
  }

  @Nullable StageInfo info(int stage) {
    return infos.get(stage);
  }

  int[] successorsOf(int stage) {
    return shape.successors(stage);
  }

  int component(int stage) {
    return shape.componentOf(stage);
  }

  boolean cyclicComponent(int component) {
    return shape.isCyclic(component);
  }

  /** The first stage of each component without upstream components, in id order. */
  int[] sourceRoots() {
    boolean[] fed = new boolean[components.size()];
    for (ComponentEdge link : condensation) {
      fed[link.to()] = true;
    }
    int[] firstStage = new int[components.size()];
    Arrays.fill(firstStage, -1);
    for (int i = 0; i < stages.size(); i++) {
      if (firstStage[shape.componentOf(i)] < 0) {
        firstStage[shape.componentOf(i)] = i;
      }
    }
    return IntStream.range(0, components.size())
        .filter(c -> !fed[c])
        .map(c -> firstStage[c])
        .toArray();
  }

  int indexOf(String stage) {
    int i = shape.indexOf(Objects.requireNonNull(stage, "stage"));
    if (i < 0) {
      throw new GraphInputException(
          "no stage named '" + stage + "' in graph '" + graphName + "' (stages: " + stages + ")");
    }
    return i;
  }
}
