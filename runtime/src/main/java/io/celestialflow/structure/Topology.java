package io.celestialflow.structure;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.celestialflow.EdgeSpec;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Layout;
import io.celestialflow.StageKind;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The analysed shape of a graph as plain data, for the dashboard and other tools: every stage with
 * its level and component, every edge, the strongly connected components and their condensation,
 * the entry and exit stages. Obtained from {@link GraphAnalysis#topology()}; serialised with Gson
 * by {@link #toJson()} and read back by {@link #fromJson(String)}.
 *
 * <p>All lists are in stage insertion order (components by their first stage, condensation edges by
 * component ids), so the same graph always gives the same JSON:
 *
 * <pre>{@code
 * {"graph":"wheel","layout":"STREAMING","acyclic":false,
 *  "stages":[{"name":"center","kind":"MAP","mode":"SERIAL","workers":1,"virtualThreads":false,
 *             "layout":"STREAMING","level":0,"scc":0,"cyclic":false}, ...],
 *  "edges":[{"from":"center","to":"ring-1","cyclic":false}, ...],
 *  "components":[{"id":0,"stages":["center"],"cyclic":false,"level":0}, ...],
 *  "condensation":[{"from":0,"to":1}],
 *  "entries":["center"],"exits":[]}
 * }</pre>
 *
 * @param graph the graph's name
 * @param layout the graph's layout
 * @param acyclic whether the graph has no cycle (a self-loop is a cycle)
 * @param stages every stage, in insertion order
 * @param edges every edge, in insertion order
 * @param components the strongly connected components, numbered from 0 by their first stage
 * @param condensation the edges between components, sorted
 * @param entries stages with no upstream stage
 * @param exits stages with no downstream stage
 */
public record Topology(
    String graph,
    Layout layout,
    boolean acyclic,
    List<Stage> stages,
    List<Edge> edges,
    List<Component> components,
    List<GraphAnalysis.ComponentEdge> condensation,
    List<String> entries,
    List<String> exits) {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /**
   * Copies the lists.
   *
   * @param graph the graph's name
   * @param layout the graph's layout
   * @param acyclic whether the graph has no cycle
   * @param stages every stage
   * @param edges every edge
   * @param components the strongly connected components
   * @param condensation the edges between components
   * @param entries stages with no upstream stage
   * @param exits stages with no downstream stage
   */
  public Topology {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(layout, "layout");
    stages = List.copyOf(stages);
    edges = List.copyOf(edges);
    components = List.copyOf(components);
    condensation = List.copyOf(condensation);
    entries = List.copyOf(entries);
    exits = List.copyOf(exits);
  }

  /**
   * One stage. The fields {@code kind}, {@code mode}, {@code workers} and {@code virtualThreads}
   * are {@code null} (and left out of the JSON) when the analysis was made from names only.
   *
   * @param name the stage name
   * @param kind what it emits per task
   * @param mode how it runs its tasks
   * @param workers its worker limit
   * @param virtualThreads whether it runs tasks on virtual threads
   * @param layout the layout it runs under (the graph's)
   * @param level its level: the longest path to it from an entry, cycles collapsed
   * @param scc the id of its strongly connected component
   * @param cyclic whether it lies on a cycle (a self-loop included)
   */
  public record Stage(
      String name,
      @Nullable StageKind kind,
      @Nullable ExecutionMode mode,
      @Nullable Integer workers,
      @Nullable Boolean virtualThreads,
      Layout layout,
      int level,
      int scc,
      boolean cyclic) {}

  /**
   * One edge.
   *
   * @param from the upstream stage
   * @param to the downstream stage
   * @param cyclic whether the edge lies on a cycle (both ends in one component; self-loops too)
   */
  public record Edge(String from, String to, boolean cyclic) {
    /**
     * The edge as an {@link EdgeSpec}.
     *
     * @return the edge
     */
    public EdgeSpec spec() {
      return new EdgeSpec(from, to);
    }
  }

  /**
   * One strongly connected component: a set of stages that all reach each other.
   *
   * @param id the component's id, its index in {@link #components()}
   * @param stages its stages, in insertion order
   * @param cyclic whether it holds a cycle (more than one stage, or a self-loop)
   * @param level the level of its stages
   */
  public record Component(int id, List<String> stages, boolean cyclic, int level) {
    /**
     * Copies the stage list.
     *
     * @param id the component's id
     * @param stages its stages
     * @param cyclic whether it holds a cycle
     * @param level the level of its stages
     */
    public Component {
      stages = List.copyOf(stages);
    }
  }

  /**
   * This topology as compact JSON.
   *
   * @return the JSON text
   */
  public String toJson() {
    return GSON.toJson(this);
  }

  /**
   * Reads a topology written by {@link #toJson()}.
   *
   * @param json the JSON text
   * @return the topology
   * @throws com.google.gson.JsonParseException if the text is not a topology
   */
  public static Topology fromJson(String json) {
    Topology t = GSON.fromJson(Objects.requireNonNull(json, "json"), Topology.class);
    if (t == null) {
      throw new com.google.gson.JsonParseException("empty JSON, expected a topology");
    }
    return t;
  }
}
