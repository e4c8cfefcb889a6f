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
 * @param heap the heap of each worker JVM of a PROCESS stage, empty for the JVM's default
 * @param heartbeatTimeoutMillis the heartbeat timeout of a PROCESS stage, 0 for the default
 * @param jvmArgs more options for the worker JVMs of a PROCESS stage
 * @param codecs the codec factory class of a PROCESS stage ({@code GsonCodecFactory} by default)
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
    String heap,
    long heartbeatTimeoutMillis,
    List<Text> jvmArgs,
    TypeMirror codecs,
    List<EdgeDeclaration> edges) {

  /** The name of the method, which names the generated members of this stage. */
  String javaName() {
    return method.getSimpleName().toString();
  }

  /** Whether the stage runs in worker JVMs. */
  boolean isProcess() {
    return mode.equals("PROCESS");
  }

  /**
   * One declared router target.
   *
   * @param value the annotation value, where errors are reported
   * @param target the stage name
   */
  record Route(AnnotationValue value, String target) {}

  /**
   * One string of an array attribute.
   *
   * @param value the annotation value, where errors are reported
   * @param text the string
   */
  record Text(AnnotationValue value, String text) {}
}
