package io.celestialflow.redis;

import io.celestialflow.ExecutionMode;
import io.celestialflow.TaskConsumer;
import io.celestialflow.TaskFunction;
import io.celestialflow.TaskStage;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GenericTypes;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RemoteWorker} runs for one stage: the function, what it emits per task, and the
 * exact task and output types its payloads decode to and its results encode from.
 *
 * <pre>{@code
 * StageHandler square = StageHandler.map("square", Integer.class, Long.class, x -> (long) x * x);
 * StageHandler words = StageHandler.splitter("words", String.class, String.class,
 *     line -> List.of(line.split(" ")));
 * StageHandler parse = StageHandler.of("parse", Parse.class);   // a TaskFunction class
 * }</pre>
 */
public final class StageHandler {
  private final String stage;
  private final EngineAdapter.Shape shape;
  private final Type taskType;
  private final @Nullable Type outputType;
  private final TaskFunction<Object, ?> function;
  private @Nullable CodecFactory codecs;

  private StageHandler(
      String stage,
      EngineAdapter.Shape shape,
      Type taskType,
      @Nullable Type outputType,
      TaskFunction<Object, ?> function) {
    this.stage = Objects.requireNonNull(stage, "stage");
    if (stage.isEmpty()) {
      throw new IllegalArgumentException("a stage name must not be empty");
    }
    this.shape = shape;
    this.taskType = Objects.requireNonNull(taskType, "taskType");
    this.outputType = outputType;
    this.function = function;
  }

  /**
   * A handler for a map stage: one output per task.
   *
   * @param stage the stage name
   * @param taskType the task type
   * @param outputType the output type
   * @param function the work; must not return {@code null}
   * @param <I> the task type
   * @param <O> the output type
   * @return the handler
   */
  public static <I, O> StageHandler map(
      String stage, Type taskType, Type outputType, TaskFunction<? super I, ? extends O> function) {
    return new StageHandler(stage, EngineAdapter.Shape.MAP, taskType, outputType, erase(function));
  }

  /**
   * A handler for a splitter stage: the function's outputs (an {@link Iterable} or a {@link
   * java.util.stream.Stream}) go back as the result's {@code values}.
   *
   * @param stage the stage name
   * @param taskType the task type
   * @param outputType the type of each output
   * @param function the work
   * @param <I> the task type
   * @return the handler
   */
  public static <I> StageHandler splitter(
      String stage, Type taskType, Type outputType, TaskFunction<? super I, ?> function) {
    return new StageHandler(
        stage, EngineAdapter.Shape.SPLITTER, taskType, outputType, erase(function));
  }

  /**
   * A handler for a consumer stage: no output.
   *
   * @param stage the stage name
   * @param taskType the task type
   * @param consumer the work
   * @param <I> the task type
   * @return the handler
   */
  public static <I> StageHandler consumer(
      String stage, Type taskType, TaskConsumer<? super I> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    TaskFunction<I, @Nullable Object> f =
        task -> {
          consumer.accept(task);
          return null;
        };
    return new StageHandler(stage, EngineAdapter.Shape.CONSUMER, taskType, null, erase(f));
  }

  /**
   * A handler made from a class: a {@link TaskFunction} (a map stage) or a {@link TaskConsumer} (a
   * consumer stage) with a no-argument constructor, whose exact types are read from its declaration
   * ({@code implements TaskFunction<Integer, Long>}).
   *
   * @param stage the stage name
   * @param type the class
   * @return the handler
   * @throws IllegalArgumentException if the class cannot be created or its types are not exact
   */
  public static StageHandler of(String stage, Class<?> type) {
    return fromClass(stage, type, false);
  }

  /**
   * A splitter handler made from a {@link TaskFunction} class whose result is an {@link Iterable}
   * ({@code implements TaskFunction<String, List<String>>}); see {@link #of}.
   *
   * @param stage the stage name
   * @param type the class
   * @return the handler
   * @throws IllegalArgumentException if the class cannot be created or its types are not exact
   */
  public static StageHandler splitterOf(String stage, Class<?> type) {
    return fromClass(stage, type, true);
  }

  private static StageHandler fromClass(String stage, Class<?> type, boolean splitter) {
    Object instance = instantiate(type);
    if (!splitter && instance instanceof TaskConsumer<?> c) {
      Type[] args = GenericTypes.typeArguments(type, TaskConsumer.class);
      return consumer(
          stage, exact(type, "task", Objects.requireNonNull(args)[0]), erasedConsumer(c));
    }
    Type[] args = GenericTypes.typeArguments(type, TaskFunction.class);
    if (args == null || !(instance instanceof TaskFunction<?, ?> f)) {
      throw new IllegalArgumentException(
          type.getName() + " implements neither TaskFunction nor TaskConsumer");
    }
    Type in = exact(type, "task", args[0]);
    Type out = exact(type, "result", args[1]);
    if (!splitter) {
      return map(stage, in, out, erase(f));
    }
    Type[] element = GenericTypes.typeArguments(out, Iterable.class);
    if (element == null) {
      throw new IllegalArgumentException(
          type.getName() + ": a splitter's result must be an Iterable, not " + out.getTypeName());
    }
    return splitter(stage, in, exact(type, "output", element[0]), erase(f));
  }

  /**
   * A handler that serves a stage of a graph the way the graph would run it, with {@link
   * TaskStage#apply}: what a runner started with {@code --worker STAGE} serves. For a {@link
   * RemoteStage} it is the function given to {@link RemoteStage.Builder#local}, with the remote
   * stage's types and codecs. For any other stage the task type is the one the stage declares
   * ({@link TaskStage.Builder#taskType}; generated graphs declare it for every stage) and each
   * output is written as its own class (the graph that receives it decodes it as its remote stage's
   * output type). The engine's policies (retries, timeout, dedupe) stay with the graph that sends
   * the tasks.
   *
   * @param stage the stage
   * @return the handler
   * @throws IllegalArgumentException if the stage cannot be served this way: a router, a stage run
   *     in worker processes, a stage without a declared task type, a remote stage without a local
   *     function
   */
  public static StageHandler serving(TaskStage<?, ?> stage) {
    Objects.requireNonNull(stage, "stage");
    String name = stage.name();
    RemoteStage.Declared remote = RemoteStage.declared(stage);
    if (remote != null) {
      TaskFunction<Object, ?> local = remote.local();
      if (local == null) {
        throw new IllegalArgumentException(
            "stage '"
                + name
                + "' is a remote stage without a local function: give it one with"
                + " RemoteStage...local(function) to serve it with --worker, or serve it with a"
                + " RemoteWorker or the Go worker");
      }
      StageHandler h =
          new StageHandler(
              name,
              remote.shape(),
              remote.taskType(),
              remote.shape() == EngineAdapter.Shape.CONSUMER ? null : remote.outputType(),
              local);
      h.codecs = remote.codecs();
      return h;
    }
    if (stage.mode() == ExecutionMode.PROCESS) {
      throw new IllegalArgumentException(
          "stage '"
              + name
              + "' runs in worker processes, so its function is a class this JVM does not create:"
              + " serve it with io.celestialflow.redis.RemoteWorker --worker "
              + name
              + " --function CLASS");
    }
    Type type =
        stage
            .taskType()
            .orElseThrow(() ->
                new IllegalArgumentException(
                    "stage '"
                        + name
                        + "' does not declare its task type, so tasks cannot be decoded: build it"
                        + " with .taskType(...) (generated graphs do)"));
    EngineAdapter.Shape shape =
        switch (stage.kind()) {
          case MAP -> EngineAdapter.Shape.MAP;
          case SPLITTER -> EngineAdapter.Shape.SPLITTER;
          case CONSUMER -> EngineAdapter.Shape.CONSUMER;
          case ROUTER ->
              throw new IllegalArgumentException(
                  "stage '"
                      + name
                      + "' is a router: the protocol carries values, not routing targets, so a"
                      + " router cannot be served remotely");
        };
    @SuppressWarnings("unchecked")
    TaskStage<Object, ?> s = (TaskStage<Object, ?>) stage;
    TaskFunction<Object, ?> call = stage.isAsync() ? task -> await(s.apply(task)) : s::apply;
    return new StageHandler(name, shape, type, null, call);
  }

  private static @Nullable Object await(@Nullable Object result) throws Exception {
    if (!(result instanceof CompletionStage<?> c)) {
      return result;
    }
    try {
      return c.toCompletableFuture().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof Exception x) {
        throw x;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private static TaskConsumer<Object> erasedConsumer(TaskConsumer<?> c) {
    return (TaskConsumer<Object>) c;
  }

  private static Type exact(Class<?> owner, String role, Type type) {
    Type t = GenericTypes.readType(type);
    TypeVariable<?> open = GenericTypes.findTypeVariable(t);
    if (open != null) {
      throw new IllegalArgumentException(
          "the "
              + role
              + " type of "
              + owner.getName()
              + " depends on the type variable "
              + open.getName()
              + "; declare the class with concrete type arguments");
    }
    return t;
  }

  private static Object instantiate(Class<?> type) {
    if (type.isInterface()
        || Modifier.isAbstract(type.getModifiers())
        || (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers()))) {
      throw new IllegalArgumentException(
          type.getName() + " must be a concrete top-level or static nested class");
    }
    try {
      Constructor<?> c = type.getDeclaredConstructor();
      c.setAccessible(true);
      return c.newInstance();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(type.getName() + " has no no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          "the constructor of " + type.getName() + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("cannot create " + type.getName() + ": " + e, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static TaskFunction<Object, ?> erase(TaskFunction<?, ?> function) {
    return (TaskFunction<Object, ?>) Objects.requireNonNull(function, "function");
  }

  /**
   * The stage this handler serves.
   *
   * @return the stage name
   */
  public String stage() {
    return stage;
  }

  EngineAdapter.Shape shape() {
    return shape;
  }

  Type taskType() {
    return taskType;
  }

  /**
   * The output type, null for a consumer — and for a stage served with {@link #serving}, whose
   * outputs are written as their own classes.
   */
  @Nullable Type outputType() {
    return outputType;
  }

  /** The codecs this handler's stage was declared with, if any (else the worker's). */
  @Nullable CodecFactory codecs() {
    return codecs;
  }

  TaskFunction<Object, ?> function() {
    return function;
  }

  @Override
  public String toString() {
    return "StageHandler[" + stage + ", " + shape + ", " + taskType.getTypeName() + "]";
  }
}
