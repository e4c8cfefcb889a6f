package io.celestialflow.processor;

import com.palantir.javapoet.ClassName;
import io.celestialflow.graph.GraphShape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import org.jspecify.annotations.Nullable;

/**
 * Checks a class's graph as a whole — the class itself, stage names, edges, routes, the layout and
 * the runner — and builds the {@link GraphModel} when everything holds.
 */
final class GraphValidator {
  private final TypeUtil typeUtil;
  private final Elements elements;
  private final Diagnostics diagnostics;

  GraphValidator(TypeUtil typeUtil, Elements elements, Diagnostics diagnostics) {
    this.typeUtil = typeUtil;
    this.elements = elements;
    this.diagnostics = diagnostics;
  }

  /** The generated class's name: {@code FooGraph}, or {@code Outer_FooGraph} for nested classes. */
  static ClassName graphClassName(TypeElement type, Elements elements) {
    ClassName target = ClassName.get(type);
    return ClassName.get(
        elements.getPackageOf(type).getQualifiedName().toString(),
        String.join("_", target.simpleNames()) + "Graph");
  }

  /**
   * Checks the graph.
   *
   * @param graph the declarations
   * @param models the models of the stages that passed {@link StageValidator}
   * @return the graph's model, or empty if an error was reported
   */
  Optional<GraphModel> validate(GraphDeclaration graph, Map<StageDeclaration, StageModel> models) {
    int errorsBefore = diagnostics.errorCount();
    TypeElement type = graph.type();
    ClassName graphClass = graphClassName(type, elements);
    checkClass(graph, graphClass);
    for (GraphDeclaration.StrayEdge stray : graph.strayEdges()) {
      diagnostics.edgeError(
          stray.method(),
          stray.edge(),
          false,
          "@Edge on '"
              + stray.method().getSimpleName()
              + "' needs @Stage on the same method: only stages have edges");
    }

    Map<String, StageDeclaration> byName = uniqueNames(graph);
    List<Edge> edges = edges(graph, byName, models);
    checkRoutes(graph, edges);
    // PROCESS stages call their method on an instance each worker JVM creates, not on this one.
    boolean needsInstance =
        graph.stages().stream()
            .anyMatch(s -> !s.isProcess() && !s.method().getModifiers().contains(Modifier.STATIC));
    checkLayout(graph, byName, edges);
    checkRunner(graph, graphClass, needsInstance);

    if (diagnostics.errorCount() > errorsBefore || models.size() != graph.stages().size()) {
      return Optional.empty();
    }
    List<StageModel> stages = new ArrayList<>();
    for (StageDeclaration s : graph.stages()) {
      stages.add(Objects.requireNonNull(models.get(s)));
    }
    List<GraphModel.Edge> modelEdges = new ArrayList<>();
    for (Edge e : edges) {
      modelEdges.add(
          new GraphModel.Edge(
              Objects.requireNonNull(models.get(e.from)),
              Objects.requireNonNull(models.get(e.to))));
    }
    GraphModel model =
        new GraphModel(
            type,
            ClassName.get(type),
            graphClass,
            isPublic(type),
            graph.name(),
            graph.layout(),
            graph.runner(),
            needsInstance,
            List.copyOf(stages),
            List.copyOf(modelEdges));
    checkGeneratedNames(model);
    if (model.entries().isEmpty()) {
      diagnostics.warning(
          type,
          graph.pipeline(),
          null,
          "every stage of "
              + type.getSimpleName()
              + " has an upstream stage, so "
              + graphClass.simpleName()
              + " has no typed input; add a stage that feeds the cycle, or feed one through"
              + " newRun().builder().input(...)");
    }
    return diagnostics.errorCount() > errorsBefore ? Optional.empty() : Optional.of(model);
  }

  /** One edge between two declared stages. */
  private record Edge(StageDeclaration from, StageDeclaration to, EdgeDeclaration declaration) {}

  private void checkClass(GraphDeclaration graph, ClassName graphClass) {
    TypeElement type = graph.type();
    AnnotationMirror pipeline = graph.pipeline();
    if (pipeline != null && graph.name().isBlank()) {
      diagnostics.error(
          type,
          pipeline,
          Annotations.explicit(pipeline, "name"),
          "the graph name must not be blank; leave name out to use the class's name");
    }
    if (type.getNestingKind() == NestingKind.LOCAL
        || type.getNestingKind() == NestingKind.ANONYMOUS) {
      diagnostics.error(
          type,
          "stage methods must be declared in a top-level or member class; "
              + graphClass.simpleName()
              + " could not reach a local class");
    } else if (!typeUtil.accessible(type, elements.getPackageOf(type))) {
      diagnostics.error(
          type,
          type.getSimpleName()
              + " (or a class enclosing it) is private, so "
              + graphClass.simpleName()
              + " in the same package cannot use it; make it package-private or wider");
    }
    if (!type.getTypeParameters().isEmpty()) {
      diagnostics.error(
          type,
          type.getSimpleName()
              + " is generic; the graph's wiring needs concrete types, so put the stage methods"
              + " in a class without type parameters");
    }
    if (graph.stages().isEmpty() && graph.pipeline() != null) {
      diagnostics.error(
          type,
          graph.pipeline(),
          "@Pipeline class " + type.getSimpleName() + " has no @Stage method");
    }
  }

  /** Reports duplicate stage names and method names; returns the stages by name. */
  private Map<String, StageDeclaration> uniqueNames(GraphDeclaration graph) {
    Map<String, StageDeclaration> byName = new LinkedHashMap<>();
    Map<String, StageDeclaration> byMethod = new LinkedHashMap<>();
    for (StageDeclaration s : graph.stages()) {
      StageDeclaration first = byName.putIfAbsent(s.name(), s);
      if (first != null) {
        diagnostics.error(
            s.method(),
            s.mirror(),
            Annotations.explicit(s.mirror(), "name"),
            "duplicate stage name '"
                + s.name()
                + "': "
                + StageValidator.signature(first.method())
                + " is already a stage of that name; stage names must be unique");
      }
      StageDeclaration sameMethod = byMethod.putIfAbsent(s.javaName(), s);
      if (sameMethod != null && first == null) {
        diagnostics.error(
            s.method(),
            "stage methods need distinct names, because the generated members are named after"
                + " them, but "
                + StageValidator.signature(sameMethod.method())
                + " is a stage too; rename one of them");
      }
    }
    return byName;
  }

  /** Resolves and checks every edge; returns those between known stages. */
  private List<Edge> edges(
      GraphDeclaration graph,
      Map<String, StageDeclaration> byName,
      Map<StageDeclaration, StageModel> models) {
    List<Edge> edges = new ArrayList<>();
    for (StageDeclaration from : graph.stages()) {
      Set<String> seen = new HashSet<>();
      for (EdgeDeclaration e : from.edges()) {
        StageDeclaration to = byName.get(e.to());
        if (to == null) {
          diagnostics.edgeError(from.method(), e, true, unknownStage(graph, e.to(), byName));
          continue;
        }
        if (!seen.add(e.to())) {
          diagnostics.edgeError(
              from.method(), e, true, "duplicate edge " + from.name() + " -> " + e.to());
          continue;
        }
        edges.add(new Edge(from, to, e));
        StageModel source = models.get(from);
        StageModel target = models.get(to);
        if (source != null && !source.factory().emits()) {
          diagnostics.edgeError(
              from.method(),
              e,
              false,
              "stage '"
                  + from.name()
                  + "' returns void (a consumer) and emits nothing, so it cannot have an edge to '"
                  + e.to()
                  + "'; return the value to pass on");
        } else if (source != null && target != null) {
          checkTypes(source, target, e);
        }
      }
    }
    return edges;
  }

  private static String unknownStage(
      GraphDeclaration graph, String name, Map<String, StageDeclaration> byName) {
    String message = "no stage named '" + name + "' in " + graph.type().getSimpleName();
    Optional<String> closest = Suggestions.closest(name, byName.keySet());
    return closest.isPresent()
        ? message + "; did you mean '" + closest.get() + "'?"
        : message + " (stages: " + String.join(", ", byName.keySet()) + ")";
  }

  /** The source's outputs must be tasks the target can take. */
  private void checkTypes(StageModel source, StageModel target, EdgeDeclaration e) {
    TypeMirror output = source.output();
    ExecutableElement from = source.declaration().method();
    if (target.argsRecord() != null) {
      diagnostics.edgeError(
          from,
          e,
          true,
          "'"
              + source.name()
              + "' emits "
              + output
              + ", but '"
              + target.name()
              + "' takes several parameters, so its task is the generated record "
              + target.argsRecord().simpleName()
              + ", which no stage can return; give "
              + target.javaName()
              + " one parameter (a record of your own) to feed it from another stage");
      return;
    }
    TypeMirror input = Objects.requireNonNull(target.input());
    if (!typeUtil.types().isSubtype(output, input)) {
      diagnostics.edgeError(
          from,
          e,
          true,
          "'"
              + source.name()
              + "' emits "
              + described(output, outputAsDeclared(source))
              + ", which is not assignable to "
              + described(input, target.declaration().method().getParameters().get(0).asType())
              + ", the input type of '"
              + target.name()
              + "'");
    }
  }

  private static @Nullable TypeMirror outputAsDeclared(StageModel source) {
    return source.factory() == StageModel.Factory.MAP
        ? source.declaration().method().getReturnType()
        : null;
  }

  /** A boxed type, with the primitive it came from if there was one. */
  private static String described(TypeMirror boxed, @Nullable TypeMirror declared) {
    if (declared != null && declared.getKind().isPrimitive()) {
      return declared + " (boxed as " + boxed + ")";
    }
    return boxed.toString();
  }

  /** A router's declared routes must be among its edges; an edge outside them carries nothing. */
  private void checkRoutes(GraphDeclaration graph, List<Edge> edges) {
    for (StageDeclaration s : graph.stages()) {
      if (s.routes().isEmpty() || !s.kind().equals("ROUTER")) {
        continue;
      }
      Set<String> targets = new LinkedHashSet<>();
      for (Edge e : edges) {
        if (e.from.equals(s)) {
          targets.add(e.to.name());
        }
      }
      Set<String> routes = new HashSet<>();
      for (StageDeclaration.Route r : s.routes()) {
        routes.add(r.target());
        if (!targets.contains(r.target())) {
          diagnostics.error(
              s.method(),
              s.mirror(),
              r.value(),
              "router '"
                  + s.name()
                  + "' routes to '"
                  + r.target()
                  + "', which is not one of its edges ("
                  + (targets.isEmpty() ? "it has none" : String.join(", ", targets))
                  + "); add @Edge(to = \""
                  + r.target()
                  + "\")");
        }
      }
      for (Edge e : edges) {
        if (e.from.equals(s) && !routes.contains(e.to.name())) {
          diagnostics.edgeWarning(
              s.method(),
              e.declaration,
              "router '"
                  + s.name()
                  + "' has an edge to '"
                  + e.to.name()
                  + "' but does not list it in routes, so the edge never carries a task");
        }
      }
    }
  }

  /** The serial layout runs stages in topological order, which a cycle does not have. */
  private void checkLayout(
      GraphDeclaration graph, Map<String, StageDeclaration> byName, List<Edge> edges) {
    AnnotationMirror pipeline = graph.pipeline();
    if (!graph.layout().equals("SERIAL") || pipeline == null) {
      return;
    }
    List<GraphShape.Link> links = new ArrayList<>();
    for (Edge e : edges) {
      links.add(new GraphShape.Link(e.from.name(), e.to.name()));
    }
    GraphShape.of(List.copyOf(byName.keySet()), links)
        .describeCycle()
        .ifPresent(cycle ->
            diagnostics.error(
                graph.type(),
                pipeline,
                Annotations.explicit(pipeline, "layout"),
                "graph '"
                    + graph.name()
                    + "' has a cycle ("
                    + cycle
                    + "), so it cannot use the SERIAL layout, which runs stages one at a time"
                    + " in topological order; use Layout.STREAMING"));
  }

  /** The runner creates the class with its no-argument constructor when it needs an instance. */
  private void checkRunner(GraphDeclaration graph, ClassName graphClass, boolean needsInstance) {
    TypeElement type = graph.type();
    if (!graph.runner() || !needsInstance || graph.stages().isEmpty()) {
      return;
    }
    String problem = ProcessChecks.instantiationProblem(type);
    if (problem != null) {
      AnnotationMirror pipeline = graph.pipeline();
      AnnotationValue runner = pipeline == null ? null : Annotations.explicit(pipeline, "runner");
      diagnostics.error(
          type,
          pipeline,
          runner,
          "the runner ("
              + graphClass.simpleName()
              + ".main) must create a "
              + type.getSimpleName()
              + " for its instance stage methods, but "
              + problem
              + "; add a public no-argument constructor, make the stage methods static, or set"
              + " @Pipeline(runner = false)");
    }
  }

  /**
   * Input and output methods are named after stage methods (with a suffix where the plain name is
   * taken); two stages must not end up with the same one.
   */
  private void checkGeneratedNames(GraphModel model) {
    Map<String, StageModel> inputs = new LinkedHashMap<>();
    for (StageModel s : model.entries()) {
      StageModel other = inputs.putIfAbsent(s.inputMethod(), s);
      if (other != null) {
        clash(s, other, model.graphClass().simpleName() + ".Run." + s.inputMethod());
      }
    }
    Map<String, StageModel> outputs = new LinkedHashMap<>();
    for (StageModel s : model.collected()) {
      StageModel other = outputs.putIfAbsent(s.outputMethod(), s);
      if (other != null) {
        clash(s, other, model.graphClass().simpleName() + ".Result." + s.outputMethod());
      }
    }
  }

  private void clash(StageModel s, StageModel other, String member) {
    diagnostics.error(
        s.declaration().method(),
        "stage methods '"
            + other.javaName()
            + "' and '"
            + s.javaName()
            + "' would both generate "
            + member
            + "(...); rename one of them (a stage can keep its name with @Stage(name = ...))");
  }

  private static boolean isPublic(TypeElement type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }
}
