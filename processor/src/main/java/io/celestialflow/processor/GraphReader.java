package io.celestialflow.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/** Reads a class's annotations into a {@link GraphDeclaration}; checks nothing. */
final class GraphReader {
  private final Annotations annotations;

  GraphReader(Annotations annotations) {
    this.annotations = annotations;
  }

  GraphDeclaration read(TypeElement type) {
    Optional<AnnotationMirror> pipeline = Annotations.find(type, Names.PIPELINE);
    String name = type.getSimpleName().toString();
    String layout = "STREAMING";
    boolean runner = true;
    if (pipeline.isPresent()) {
      AnnotationMirror p = pipeline.get();
      String given = annotations.string(p, "name");
      name = given.isEmpty() ? name : given;
      layout = annotations.enumConstant(p, "layout");
      runner = annotations.bool(p, "runner");
    }
    List<StageDeclaration> stages = new ArrayList<>();
    List<GraphDeclaration.StrayEdge> stray = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      List<EdgeDeclaration> edges = edges(method);
      Optional<AnnotationMirror> stage = Annotations.find(method, Names.STAGE);
      if (stage.isPresent()) {
        stages.add(stage(method, stage.get(), edges));
      } else {
        edges.forEach(e -> stray.add(new GraphDeclaration.StrayEdge(method, e)));
      }
    }
    return new GraphDeclaration(
        type, pipeline.orElse(null), name, layout, runner, List.copyOf(stages), List.copyOf(stray));
  }

  private StageDeclaration stage(
      ExecutableElement method, AnnotationMirror m, List<EdgeDeclaration> edges) {
    String name = annotations.string(m, "name");
    List<StageDeclaration.Route> routes = new ArrayList<>();
    for (AnnotationValue v : annotations.array(m, "routes")) {
      routes.add(new StageDeclaration.Route(v, (String) v.getValue()));
    }
    List<StageDeclaration.Text> jvmArgs = new ArrayList<>();
    for (AnnotationValue v : annotations.array(m, "jvmArgs")) {
      jvmArgs.add(new StageDeclaration.Text(v, (String) v.getValue()));
    }
    List<TypeMirror> retryOn = new ArrayList<>();
    for (AnnotationValue v : annotations.array(m, "retryOn")) {
      retryOn.add(Annotations.type(v));
    }
    return new StageDeclaration(
        method,
        m,
        name.isEmpty() ? method.getSimpleName().toString() : name,
        annotations.enumConstant(m, "kind"),
        annotations.enumConstant(m, "mode"),
        annotations.integer(m, "workers"),
        annotations.bool(m, "virtualThreads"),
        List.copyOf(routes),
        annotations.bool(m, "collect"),
        annotations.bool(m, "dedupe"),
        annotations.longValue(m, "timeoutMillis"),
        List.copyOf(retryOn),
        annotations.integer(m, "maxAttempts"),
        annotations.longValue(m, "backoffMillis"),
        annotations.string(m, "heap"),
        annotations.longValue(m, "heartbeatTimeoutMillis"),
        List.copyOf(jvmArgs),
        Annotations.type(annotations.value(m, "codecs")),
        edges);
  }

  /** The {@code @Edge}s of a method, single or repeated (inside {@code @Edges}). */
  private List<EdgeDeclaration> edges(ExecutableElement method) {
    List<EdgeDeclaration> edges = new ArrayList<>();
    Annotations.find(method, Names.EDGE).ifPresent(e -> edges.add(edge(e, -1)));
    Optional<AnnotationMirror> container = Annotations.find(method, Names.EDGES);
    if (container.isPresent()) {
      List<AnnotationValue> repeated = annotations.array(container.get(), "value");
      for (int i = 0; i < repeated.size(); i++) {
        edges.add(edge(Annotations.annotation(repeated.get(i)), i));
      }
    }
    return List.copyOf(edges);
  }

  private EdgeDeclaration edge(AnnotationMirror edge, int repeatIndex) {
    AnnotationValue to = annotations.value(edge, "to");
    return new EdgeDeclaration(edge, to, (String) to.getValue(), repeatIndex);
  }

  /** The classes whose methods carry stage annotations, given the annotated elements. */
  static Optional<TypeElement> enclosingClass(Element annotated) {
    if (annotated.getKind() == ElementKind.METHOD
        && annotated.getEnclosingElement() instanceof TypeElement type) {
      return Optional.of(type);
    }
    if (annotated instanceof TypeElement type) {
      return Optional.of(type);
    }
    return Optional.empty();
  }
}
