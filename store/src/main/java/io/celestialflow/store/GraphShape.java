package io.celestialflow.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import io.celestialflow.EdgeSpec;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.structure.GraphAnalysis;
import io.celestialflow.structure.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the store keeps of a graph's shape — its topology as JSON and each stage's declared task
 * type — and the check that a graph still has the shape a stored run had, so that its tasks can be
 * resumed there.
 */
final class GraphShape {
  private static final Gson GSON =
      new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private GraphShape() {}

  static String structureJson(TaskGraph graph) {
    return GraphAnalysis.of(graph).topology().toJson();
  }

  static String stageTypesJson(TaskGraph graph) {
    Map<String, @Nullable String> types = new LinkedHashMap<>();
    for (TaskStage<?, ?> s : graph.stages()) {
      types.put(s.name(), s.taskType().map(t -> t.getTypeName()).orElse(null));
    }
    return GSON.toJson(types);
  }

  static Map<String, @Nullable String> stageTypes(String json) {
    Map<String, @Nullable String> m =
        GSON.fromJson(json, new TypeToken<LinkedHashMap<String, @Nullable String>>() {}.getType());
    return m == null ? Map.of() : m;
  }

  /**
   * The differences between a stored run's graph and {@code graph} that stop a resume: name,
   * stages, edges, task types. Empty when the graph fits.
   */
  static List<String> differences(RunInfo run, String storedTypes, TaskGraph graph) {
    List<String> out = new ArrayList<>();
    if (!run.graph().equals(graph.name())) {
      out.add("the graph is named '" + graph.name() + "', the run's was '" + run.graph() + "'");
    }
    Topology stored = Topology.fromJson(run.structure());
    Set<String> was = new LinkedHashSet<>();
    stored.stages().forEach(s -> was.add(s.name()));
    Set<String> is = new LinkedHashSet<>();
    graph.stages().forEach(s -> is.add(s.name()));
    Set<String> removed = new LinkedHashSet<>(was);
    removed.removeAll(is);
    Set<String> added = new LinkedHashSet<>(is);
    added.removeAll(was);
    if (!removed.isEmpty()) {
      out.add("stages no longer in the graph: " + removed);
    }
    if (!added.isEmpty()) {
      out.add("stages new in the graph: " + added);
    }
    Set<EdgeSpec> wasEdges = new LinkedHashSet<>();
    stored.edges().forEach(e -> wasEdges.add(e.spec()));
    Set<EdgeSpec> isEdges = new LinkedHashSet<>(graph.edges());
    if (!wasEdges.equals(isEdges)) {
      Set<EdgeSpec> gone = new LinkedHashSet<>(wasEdges);
      gone.removeAll(isEdges);
      Set<EdgeSpec> fresh = new LinkedHashSet<>(isEdges);
      fresh.removeAll(wasEdges);
      out.add("edges differ: removed " + describe(gone) + ", added " + describe(fresh));
    }
    Map<String, @Nullable String> types = stageTypes(storedTypes);
    for (TaskStage<?, ?> s : graph.stages()) {
      if (!types.containsKey(s.name())) {
        continue; // reported as a new stage
      }
      String before = types.get(s.name());
      String now = s.taskType().map(t -> t.getTypeName()).orElse(null);
      if (before != null && now != null && !before.equals(now)) {
        out.add("stage '" + s.name() + "' takes " + now + " now; the run's took " + before);
      }
    }
    return out;
  }

  private static String describe(Set<EdgeSpec> edges) {
    List<String> parts = new ArrayList<>();
    for (EdgeSpec e : edges) {
      parts.add(e.from() + " -> " + e.to());
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }
}
