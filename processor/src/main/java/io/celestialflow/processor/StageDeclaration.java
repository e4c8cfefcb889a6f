package io.celestialflow.processor;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.TypeMirror;

/**
 * One {@code @Stage} method as written: the method, its annotation and the annotation's values
 * (defaults applied), and its {@code @Edge}s.
 *
 * @param method the method
 * @param mirror its {@code @Stage}
 * @param name the stage name (the method name unless {@code name} was given)
 * @param kind the {@code StageKind} constant name
 * @param mode the {@code ExecutionMode} constant name
 * @param workers the worker limit, 0 for the runtime default
 * @param virtualThreads whether a THREAD stage uses virtual threads
 * @param routes the declared router targets
 * @param collect whether its outputs are collected although it has downstream stages
 * @param dedupe whether duplicate tasks are skipped
 * @param timeoutMillis the per-task timeout, 0 for none
 * @param retryOn the retryable exception types
 * @param maxAttempts the attempt limit for retries
 * @param backoffMillis the first retry backoff
 * @param edges its {@code @Edge}s, in source order
 */
record StageDeclaration(
    ExecutableElement method,
    AnnotationMirror mirror,
    String name,
    String kind,
    String mode,
    int workers,
    boolean virtualThreads,
    List<Route> routes,
    boolean collect,
    boolean dedupe,
    long timeoutMillis,
    List<TypeMirror> retryOn,
    int maxAttempts,
    long backoffMillis,
    List<EdgeDeclaration> edges) {

  /** The name of the method, which names the generated members of this stage. */
  String javaName() {
    return method.getSimpleName().toString();
  }

  /**
   * One declared router target.
   *
   * @param value the annotation value, where errors are reported
   * @param target the stage name
   */
  record Route(AnnotationValue value, String target) {}
}
