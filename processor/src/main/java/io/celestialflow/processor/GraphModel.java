package io.celestialflow.processor;

import com.palantir.javapoet.ClassName;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A class's graph that passed every check: what {@link GraphWriter} generates from.
 *
 * @param type the annotated class
 * @param target the annotated class's name
 * @param graphClass the generated class's name
 * @param isPublic whether the generated class is public (it is when the annotated class is)
 * @param name the graph name
 * @param layout the default layout constant name
 * @param runner whether to generate {@code main}
 * @param needsInstance whether some stage that runs in this JVM calls an instance method (the graph
 *     then takes the instance; PROCESS stages create their own in each worker JVM)
 * @param stages the stages, in source order
 * @param edges the edges, in source order
 */
record GraphModel(
    TypeElement type,
    ClassName target,
    ClassName graphClass,
    boolean isPublic,
    String name,
    String layout,
    boolean runner,
    boolean needsInstance,
    List<StageModel> stages,
    List<Edge> edges) {

  /**
   * One edge between two stages.
   *
   * @param from the upstream stage
   * @param to the downstream stage
   */
  record Edge(StageModel from, StageModel to) {}

  /** Stages without upstream stages: the ones the generated class takes typed inputs for. */
  List<StageModel> entries() {
    List<StageModel> out = new ArrayList<>();
    for (StageModel s : stages) {
      if (edges.stream().noneMatch(e -> e.to().equals(s))) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Stages whose outputs the result holds: those without downstream stages (as the runtime collects
   * by default) and those marked {@code collect}; consumers have none.
   */
  List<StageModel> collected() {
    List<StageModel> out = new ArrayList<>();
    for (StageModel s : stages) {
      boolean exit = edges.stream().noneMatch(e -> e.from().equals(s));
      if (s.factory().emits() && (exit || s.declaration().collect())) {
        out.add(s);
      }
    }
    return out;
  }

  /** Stages marked {@code collect} that have downstream stages (the run must ask for them). */
  List<StageModel> collectedExplicitly() {
    List<StageModel> out = new ArrayList<>();
    for (StageModel s : stages) {
      boolean exit = edges.stream().noneMatch(e -> e.from().equals(s));
      if (s.factory().emits() && s.declaration().collect() && !exit) {
        out.add(s);
      }
    }
    return out;
  }
}
