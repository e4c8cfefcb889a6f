package io.celestialflow.processor;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.TypeElement;
import org.jspecify.annotations.Nullable;

/**
 * What a class declares, as written: its {@code @Pipeline} options and its stage methods, before
 * any check.
 *
 * @param type the annotated class
 * @param pipeline its {@code @Pipeline}, if any (for positioning errors on it)
 * @param name the graph name
 * @param layout the layout constant name, {@code STREAMING} or {@code SERIAL}
 * @param runner whether to generate a {@code main}
 * @param stages the {@code @Stage} methods, in source order
 * @param strayEdges {@code @Edge}s on methods that are not stages
 */
record GraphDeclaration(
    TypeElement type,
    @Nullable AnnotationMirror pipeline,
    String name,
    String layout,
    boolean runner,
    List<StageDeclaration> stages,
    List<StrayEdge> strayEdges) {

  /** An {@code @Edge} on a method without {@code @Stage}. */
  record StrayEdge(javax.lang.model.element.ExecutableElement method, EdgeDeclaration edge) {}
}
