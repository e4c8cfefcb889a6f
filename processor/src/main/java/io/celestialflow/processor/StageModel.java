package io.celestialflow.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * A stage that passed its checks: its declaration plus what the writer needs to wire it.
 *
 * @param declaration the stage as written
 * @param factory the {@code TaskStage} factory that builds it
 * @param adapter how the method's result is adapted to what the factory takes
 * @param input the task type, boxed, as a mirror (null for a multi-parameter method, whose task is
 *     the generated argument record)
 * @param inputName the task type as written in the generated code
 * @param output the type of each output, boxed ({@code Void} for consumers)
 * @param outputName the output type as written in the generated code
 * @param parameters the method's parameters
 * @param argsRecord the generated argument record of a multi-parameter method, or null
 * @param overloaded whether the class has other methods of the same name (the generated call then
 *     passes arguments of the exact parameter types, so that it cannot pick an overload)
 * @param worker how a PROCESS stage's generated function class is written, or null for stages that
 *     run in this JVM
 */
record StageModel(
    StageDeclaration declaration,
    Factory factory,
    Adapter adapter,
    @Nullable TypeMirror input,
    TypeName inputName,
    TypeMirror output,
    TypeName outputName,
    List<Parameter> parameters,
    @Nullable ClassName argsRecord,
    boolean overloaded,
    @Nullable Worker worker) {

  String name() {
    return declaration.name();
  }

  String javaName() {
    return declaration.javaName();
  }

  /** Names the generated {@code Run} class already uses for its own methods. */
  private static final java.util.Set<String> RUN_MEMBERS =
      java.util.Set.of("run", "start", "builder");

  /** Names the generated {@code Result} class already uses, its own or {@code Object}'s. */
  private static final java.util.Set<String> RESULT_MEMBERS =
      java.util.Set.of(
          "graphResult",
          "clone",
          "finalize",
          "getClass",
          "hashCode",
          "notify",
          "notifyAll",
          "toString",
          "wait");

  /**
   * The name of the generated {@code Run} method that takes this entry stage's tasks: the method's
   * name, or {@code <name>Tasks} when the plain name is one of {@code Run}'s own ({@code run},
   * {@code start}, {@code builder}).
   */
  String inputMethod() {
    return RUN_MEMBERS.contains(javaName()) ? javaName() + "Tasks" : javaName();
  }

  /**
   * The name of the generated {@code Result} accessor of this stage's outputs: the method's name,
   * or {@code <name>Outputs} when the plain name is taken ({@code graphResult} and {@code Object}'s
   * methods).
   */
  String outputMethod() {
    return RESULT_MEMBERS.contains(javaName()) ? javaName() + "Outputs" : javaName();
  }

  boolean isStatic() {
    return declaration.method().getModifiers().contains(javax.lang.model.element.Modifier.STATIC);
  }

  /**
   * The function class generated for a PROCESS stage, which each worker JVM creates with its
   * no-argument constructor: a {@code TaskFunction<I, R>} (a {@code TaskConsumer<I>} for consumers)
   * that calls the stage method.
   *
   * @param name the class, nested in the generated graph class
   * @param result {@code R}, what {@code apply} returns: what the {@code TaskStage.process...}
   *     factory takes (null for consumers)
   * @param cast whether the method's result needs an unchecked cast to {@code R} (a wildcard such
   *     as {@code Set<? extends T>} read as {@code Iterable<T>}; safe, as the worker only reads it)
   */
  record Worker(ClassName name, @Nullable TypeName result, boolean cast) {}

  /**
   * One method parameter.
   *
   * @param name its name (a component of the argument record)
   * @param type its type
   */
  record Parameter(String name, TypeName type) {}

  /** The {@code TaskStage} factory method a stage is built with. */
  enum Factory {
    MAP("map", "MAP"),
    SPLITTER("splitter", "SPLITTER"),
    STREAM_SPLITTER("streamSplitter", "SPLITTER"),
    ROUTER("router", "ROUTER"),
    CONSUMER("consumer", "CONSUMER"),
    ASYNC("async", "MAP"),
    ASYNC_SPLITTER("asyncSplitter", "SPLITTER"),
    ASYNC_ROUTER("asyncRouter", "ROUTER");

    final String method;
    final String kind;

    Factory(String method, String kind) {
      this.method = method;
      this.kind = kind;
    }

    /** The {@code TaskStage} factory of a PROCESS stage of this kind, which takes a class. */
    String processMethod() {
      return switch (kind) {
        case "SPLITTER" -> "processSplitter";
        case "ROUTER" -> "processRouter";
        case "CONSUMER" -> "processConsumer";
        default -> "process";
      };
    }

    boolean emits() {
      return this != CONSUMER;
    }
  }

  /** How the generated lambda adapts the method's result for the factory. */
  enum Adapter {
    /** Passed as it is (a method reference when the method has one parameter). */
    NONE,
    /** A reference array, wrapped with {@code Arrays.asList}. */
    ARRAY,
    /** An {@code int[]}, {@code long[]} or {@code double[]}, streamed and boxed. */
    PRIMITIVE_ARRAY
  }
}
