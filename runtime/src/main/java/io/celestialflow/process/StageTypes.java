package io.celestialflow.process;

import io.celestialflow.Routed;
import io.celestialflow.StageKind;
import io.celestialflow.TaskConsumer;
import io.celestialflow.TaskFunction;
import io.celestialflow.codec.GenericTypes;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import org.jspecify.annotations.Nullable;

/**
 * The exact task and output types of a stage class, read with reflection the same way in the parent
 * and in every worker.
 *
 * @param input the task type
 * @param output the type of each emitted value: the result of a map stage, an element of a
 *     splitter's result, the value of a router's {@link Routed}; {@code null} for consumers
 */
record StageTypes(Type input, @Nullable Type output) {

  /**
   * Reads the types of a stage class.
   *
   * @param stageClass a {@link TaskFunction} (or, for consumers, {@link TaskConsumer})
   * @param kind what the stage emits
   * @return the types
   * @throws IllegalArgumentException naming the class and the reason, if they cannot be resolved
   */
  static StageTypes of(Class<?> stageClass, StageKind kind) {
    if (kind == StageKind.CONSUMER) {
      Type[] args = GenericTypes.typeArguments(stageClass, TaskConsumer.class);
      if (args == null) {
        throw new IllegalArgumentException(
            stageClass.getName() + " does not implement " + TaskConsumer.class.getName());
      }
      return new StageTypes(resolved(stageClass, "task", args[0]), null);
    }
    Type[] args = GenericTypes.typeArguments(stageClass, TaskFunction.class);
    if (args == null) {
      throw new IllegalArgumentException(
          stageClass.getName() + " does not implement " + TaskFunction.class.getName());
    }
    Type input = resolved(stageClass, "task", args[0]);
    Type result = resolved(stageClass, "result", args[1]);
    Type output =
        switch (kind) {
          case MAP -> result;
          case SPLITTER -> element(stageClass, result, Iterable.class, "a splitter's result");
          case ROUTER -> element(stageClass, result, Routed.class, "a router's result");
          case CONSUMER -> throw new AssertionError(kind);
        };
    return new StageTypes(input, output);
  }

  private static Type element(Class<?> stageClass, Type result, Class<?> container, String what) {
    Type[] args = GenericTypes.typeArguments(result, container);
    if (args == null) {
      throw new IllegalArgumentException(
          stageClass.getName()
              + ": "
              + what
              + " must be a "
              + container.getName()
              + ", but it is "
              + result.getTypeName());
    }
    return resolved(stageClass, "output", GenericTypes.readType(args[0]));
  }

  private static Type resolved(Class<?> stageClass, String role, Type type) {
    TypeVariable<?> open = GenericTypes.findTypeVariable(type);
    if (open != null) {
      throw new IllegalArgumentException(
          "the "
              + role
              + " type of "
              + stageClass.getName()
              + " is "
              + type.getTypeName()
              + ", which depends on the type variable "
              + open.getName()
              + "; a worker process needs the exact type, so declare the class with concrete type"
              + " arguments (for example implements TaskFunction<Integer, Long>)");
    }
    return GenericTypes.readType(type);
  }
}
