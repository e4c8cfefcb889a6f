package io.celestialflow.processor;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;

/**
 * One {@code @Edge} as written.
 *
 * @param mirror the {@code @Edge} annotation (inside the {@code @Edges} container when repeated)
 * @param toValue its {@code to} value, where errors about the target are reported
 * @param to the target stage name
 * @param repeatIndex its position among the method's repeated {@code @Edge}s, or -1 when it is the
 *     only one (javac cannot place a diagnostic on an annotation inside a container, so {@link
 *     Diagnostics} finds the source of repeated edges by position)
 */
record EdgeDeclaration(
    AnnotationMirror mirror, AnnotationValue toValue, String to, int repeatIndex) {}
