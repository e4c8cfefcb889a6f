package io.celestialflow.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.alg.interfaces.ShortestPathAlgorithm.SingleSourcePaths;
import org.jgrapht.alg.shortestpath.BFSShortestPath;
import org.jgrapht.graph.AsSubgraph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleDirectedGraph;
import org.jgrapht.traverse.DepthFirstIterator;
import org.jgrapht.traverse.TopologicalOrderIterator;
import org.jspecify.annotations.Nullable;

/**
 * The topology of a graph of named stages: who feeds whom, which stages start and end it, its
 * strongly connected components (SCCs) and their condensation, the level of each component, a
 * topological order when there is one, the edges that close cycles, and a shortest cycle. Computed
 * once, with JGraphT, when the shape is made; immutable and thread-safe afterwards.
 *
 * <p>Stages are numbered by their position in the list given ({@code 0..size-1}); every list this
 * class returns is in that order (components by their first stage), so the same stages and edges
 * always give the same answers.
 *
 * <h2>Edges that close cycles</h2>
 *
 * {@link #closesCycle} marks the back edges of a depth-first search that starts at the entry stages
 * (then at any stage not reached yet): an edge to a stage of the same SCC that the search reached
 * no later than the edge's source. Removing them leaves a DAG, which is why the engine lets exactly
 * these edges never block their producer: no cycle of producers waiting on each other can form.
 */
public final class GraphShape {
  /**
   * An edge between two stages, by name.
   *
   * @param from the upstream stage
   * @param to the downstream stage (may equal {@code from}: a self-loop)
   */
  public record Link(String from, String to) {
    /**
     * Checks the names.
     *
     * @param from the upstream stage
     * @param to the downstream stage
     */
    public Link {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * An edge of the condensation: some stage of component {@code from} feeds some stage of component
   * {@code to}.
   *
   * @param from the upstream component's id
   * @param to the downstream component's id
   */
  public record ComponentLink(int from, int to) {}

  private final List<String> stages;
  private final Map<String, Integer> index;
  private final int[][] successors;
  private final int[][] predecessors;
  private final boolean[] selfLoop;
  private final Graph<Integer, DefaultEdge> graph;
  private final int[] componentOf;
  private final List<List<Integer>> components;
  private final boolean[] componentCyclic;
  private final List<ComponentLink> condensation;
  private final int[] componentLevel;
  private final int[] rank;
  private final int[] order;

  private GraphShape(List<String> stageNames, List<Link> links) {
    this.stages = List.copyOf(stageNames);
    int n = stages.size();
    Map<String, Integer> idx = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      if (idx.putIfAbsent(stages.get(i), i) != null) {
        throw new IllegalArgumentException("has two stages named '" + stages.get(i) + "'");
      }
    }
    this.index = Collections.unmodifiableMap(idx);

    graph = new DefaultDirectedGraph<>(DefaultEdge.class);
    for (int i = 0; i < n; i++) {
      graph.addVertex(i);
    }
    List<List<Integer>> succ = new ArrayList<>();
    List<Set<Integer>> pred = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      succ.add(new ArrayList<>());
      pred.add(new LinkedHashSet<>());
    }
    selfLoop = new boolean[n];
    for (Link e : links) {
      int from = require(e.from(), e);
      int to = require(e.to(), e);
      if (graph.addEdge(from, to) == null) {
        throw new IllegalArgumentException("has the edge " + e.from() + " -> " + e.to() + " twice");
      }
      succ.get(from).add(to);
      pred.get(to).add(from);
      selfLoop[from] |= from == to;
    }
    successors = new int[n][];
    predecessors = new int[n][];
    for (int i = 0; i < n; i++) {
      successors[i] = succ.get(i).stream().mapToInt(Integer::intValue).toArray();
      predecessors[i] = pred.get(i).stream().mapToInt(Integer::intValue).toArray();
    }

    // Strongly connected components, numbered by their first stage.
    KosarajuStrongConnectivityInspector<Integer, DefaultEdge> inspector =
        new KosarajuStrongConnectivityInspector<>(graph);
    List<List<Integer>> sets = new ArrayList<>();
    for (Set<Integer> set : inspector.stronglyConnectedSets()) {
      sets.add(set.stream().sorted().toList());
    }
    sets.sort(Comparator.comparing(s -> s.get(0)));
    componentOf = new int[n];
    componentCyclic = new boolean[sets.size()];
    for (int c = 0; c < sets.size(); c++) {
      List<Integer> members = sets.get(c);
      for (int v : members) {
        componentOf[v] = c;
      }
      componentCyclic[c] = members.size() > 1 || selfLoop[members.get(0)];
    }
    components = List.copyOf(sets);

    // The condensation, with JGraphT's components mapped to our ids.
    Graph<Graph<Integer, DefaultEdge>, DefaultEdge> condensed = inspector.getCondensation();
    TreeSet<ComponentLink> cLinks =
        new TreeSet<>(
            Comparator.comparingInt(ComponentLink::from).thenComparingInt(ComponentLink::to));
    for (DefaultEdge e : condensed.edgeSet()) {
      cLinks.add(
          new ComponentLink(idOf(condensed.getEdgeSource(e)), idOf(condensed.getEdgeTarget(e))));
    }
    condensation = List.copyOf(cLinks);

    // Levels: the longest path over the condensation, visited in topological order.
    Graph<Integer, DefaultEdge> dag = new SimpleDirectedGraph<>(DefaultEdge.class);
    for (int c = 0; c < components.size(); c++) {
      dag.addVertex(c);
    }
    for (ComponentLink link : condensation) {
      dag.addEdge(link.from(), link.to());
    }
    componentLevel = new int[components.size()];
    new TopologicalOrderIterator<>(dag, Integer::compare)
        .forEachRemaining(c -> {
          for (DefaultEdge in : dag.incomingEdgesOf(c)) {
            int from = dag.getEdgeSource(in);
            componentLevel[c] = Math.max(componentLevel[c], componentLevel[from] + 1);
          }
        });

    // Depth-first discovery order from the entries (then any stage not reached): back edges.
    List<Integer> roots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (predecessors[i].length == 0) {
        roots.add(i);
      }
    }
    for (int i = 0; i < n; i++) {
      roots.add(i);
    }
    rank = new int[n];
    int r = 0;
    DepthFirstIterator<Integer, DefaultEdge> dfs =
        new DepthFirstIterator<>(graph, new LinkedHashSet<>(roots));
    while (dfs.hasNext()) {
      rank[dfs.next()] = r++;
    }

    int[] topo = new int[0];
    if (isAcyclic()) {
      List<Integer> sorted = new ArrayList<>();
      new TopologicalOrderIterator<>(graph, Integer::compare).forEachRemaining(sorted::add);
      topo = sorted.stream().mapToInt(Integer::intValue).toArray();
    }
    order = topo;
  }

  private int require(String stage, Link edge) {
    Integer i = index.get(stage);
    if (i == null) {
      throw new IllegalArgumentException(
          "has the edge "
              + edge.from()
              + " -> "
              + edge.to()
              + ", but '"
              + stage
              + "' is not one of its stages "
              + index.keySet());
    }
    return i;
  }

  private int idOf(Graph<Integer, DefaultEdge> component) {
    return componentOf[component.vertexSet().iterator().next()];
  }

  /**
   * The shape of a graph.
   *
   * @param stages the stage names, in order; unique
   * @param edges the edges between them, none repeated
   * @return the shape
   * @throws IllegalArgumentException if a name is repeated, an edge names an unknown stage or is
   *     repeated; the message reads on from "graph 'name' ", e.g. {@code has the edge a -> b twice}
   */
  public static GraphShape of(List<String> stages, Collection<Link> edges) {
    return new GraphShape(stages, List.copyOf(edges));
  }

  // ---------------------------------------------------------------- stages and edges

  /**
   * The stage names, in order.
   *
   * @return the names
   */
  public List<String> stages() {
    return stages;
  }

  /**
   * How many stages there are.
   *
   * @return the number of stages
   */
  public int size() {
    return stages.size();
  }

  /**
   * The number of a stage.
   *
   * @param stage the stage name
   * @return its index, or -1 if there is no such stage
   */
  public int indexOf(String stage) {
    Integer i = index.get(stage);
    return i == null ? -1 : i;
  }

  /**
   * The stages a stage feeds, in the order its edges were given.
   *
   * @param stage the stage's index
   * @return the downstream stages' indices
   */
  public int[] successors(int stage) {
    return successors[stage].clone();
  }

  /**
   * The stages that feed a stage, in the order their edges were given, each once.
   *
   * @param stage the stage's index
   * @return the upstream stages' indices
   */
  public int[] predecessors(int stage) {
    return predecessors[stage].clone();
  }

  /**
   * Stages no other stage feeds (a stage fed only by itself is not one).
   *
   * @return the entry stages' indices, in order
   */
  public int[] entries() {
    return java.util.stream.IntStream.range(0, size())
        .filter(i -> predecessors[i].length == 0)
        .toArray();
  }

  /**
   * Stages that feed no other stage.
   *
   * @return the exit stages' indices, in order
   */
  public int[] exits() {
    return java.util.stream.IntStream.range(0, size())
        .filter(i -> successors[i].length == 0)
        .toArray();
  }

  /**
   * Whether a stage feeds itself.
   *
   * @param stage the stage's index
   * @return true for a self-loop
   */
  public boolean hasSelfLoop(int stage) {
    return selfLoop[stage];
  }

  // ---------------------------------------------------------------- cycles

  /**
   * Whether the graph has no cycle (a self-loop is one).
   *
   * @return true for a DAG
   */
  public boolean isAcyclic() {
    for (boolean cyclic : componentCyclic) {
      if (cyclic) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the edge {@code from -> to} closes a cycle (see the class description).
   *
   * @param from the edge's source index
   * @param to the edge's target index
   * @return true for a back edge
   */
  public boolean closesCycle(int from, int to) {
    return componentOf[from] == componentOf[to] && rank[to] <= rank[from];
  }

  /**
   * The stages in topological order, ties broken by index; empty if the graph has a cycle.
   *
   * @return the stages' indices
   */
  public int[] topologicalOrder() {
    return order.clone();
  }

  /**
   * One cycle as a path that starts and ends at the same stage, e.g. {@code [a, b, a]}, or {@code
   * [a, a]} for a self-loop: the shortest cycle through the first stage (in order) that lies on
   * one.
   *
   * @return the cycle's stage indices, or empty for an acyclic graph
   */
  public Optional<List<Integer>> shortestCycle() {
    for (int s = 0; s < size(); s++) {
      if (!componentCyclic[componentOf[s]]) {
        continue;
      }
      if (selfLoop[s]) {
        return Optional.of(List.of(s, s));
      }
      Graph<Integer, DefaultEdge> sub =
          new AsSubgraph<>(graph, new LinkedHashSet<>(components.get(componentOf[s])));
      SingleSourcePaths<Integer, DefaultEdge> paths = new BFSShortestPath<>(sub).getPaths(s);
      @Nullable GraphPath<Integer, DefaultEdge> best = null;
      for (DefaultEdge in : sub.incomingEdgesOf(s)) {
        GraphPath<Integer, DefaultEdge> path = paths.getPath(sub.getEdgeSource(in));
        if (path != null && (best == null || path.getLength() < best.getLength())) {
          best = path;
        }
      }
      List<Integer> cycle =
          new ArrayList<>(
              Objects.requireNonNull(best, "a cyclic component has a path back").getVertexList());
      cycle.add(s);
      return Optional.of(List.copyOf(cycle));
    }
    return Optional.empty();
  }

  /**
   * {@link #shortestCycle()} by stage name, joined with arrows: {@code a -> b -> a}.
   *
   * @return the cycle as text, or empty for an acyclic graph
   */
  public Optional<String> describeCycle() {
    return shortestCycle().map(c -> String.join(" -> ", c.stream().map(stages::get).toList()));
  }

  // ---------------------------------------------------------------- components

  /**
   * The strongly connected components, numbered by their first stage, each listing its stages in
   * order.
   *
   * @return the components; the index of each is its id
   */
  public List<List<Integer>> components() {
    return components;
  }

  /**
   * The component a stage belongs to.
   *
   * @param stage the stage's index
   * @return the component's id
   */
  public int componentOf(int stage) {
    return componentOf[stage];
  }

  /**
   * Whether a component contains a cycle (several stages, or one with a self-loop).
   *
   * @param component the component's id
   * @return true if its stages lie on a cycle
   */
  public boolean isCyclic(int component) {
    return componentCyclic[component];
  }

  /**
   * The condensation: the edges between components, sorted by source then target id.
   *
   * @return the edges between components
   */
  public List<ComponentLink> condensation() {
    return condensation;
  }

  /**
   * The level of a component: the longest path to it in the condensation (0 for components with no
   * upstream), so that every edge between components goes from a lower level to a higher one.
   *
   * @param component the component's id
   * @return its level
   */
  public int level(int component) {
    return componentLevel[component];
  }
}
