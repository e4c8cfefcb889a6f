package io.celestialflow.dashboard.internal;

import io.celestialflow.structure.Topology;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the dashboard needs of a graph's topology, computed once per run: each stage's position and
 * description, and which stages lie upstream of each (for the backlog a stage still has to see).
 */
final class Shape {
  private final Topology topology;
  private final List<String> names;
  private final Map<String, Integer> index;
  private final int[][] upstream;

  Shape(Topology topology) {
    this.topology = topology;
    this.names = topology.stages().stream().map(Topology.Stage::name).toList();
    this.index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    List<List<Integer>> preds = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      preds.add(new ArrayList<>());
    }
    for (Topology.Edge e : topology.edges()) {
      Integer from = index.get(e.from());
      Integer to = index.get(e.to());
      if (from != null && to != null) {
        preds.get(to).add(from);
      }
    }
    upstream = new int[names.size()][];
    for (int i = 0; i < names.size(); i++) {
      upstream[i] = ancestors(i, preds);
    }
  }

  /** Every stage that can reach stage {@code s}, without {@code s} itself. */
  private static int[] ancestors(int s, List<List<Integer>> preds) {
    boolean[] seen = new boolean[preds.size()];
    ArrayDeque<Integer> todo = new ArrayDeque<>(preds.get(s));
    List<Integer> out = new ArrayList<>();
    while (!todo.isEmpty()) {
      int v = todo.pop();
      if (seen[v]) {
        continue;
      }
      seen[v] = true;
      if (v != s) {
        out.add(v);
      }
      todo.addAll(preds.get(v));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  Topology topology() {
    return topology;
  }

  List<String> names() {
    return names;
  }

  int size() {
    return names.size();
  }

  @Nullable Integer indexOf(String stage) {
    return index.get(stage);
  }

  boolean has(String stage) {
    return index.containsKey(stage);
  }

  Topology.Stage stage(int i) {
    return topology.stages().get(i);
  }

  int[] upstreamOf(int i) {
    return upstream[i];
  }
}
