package io.celestialflow.redis;

import io.celestialflow.GraphDefinitionException;
import io.celestialflow.RetryPolicy;
import io.celestialflow.TaskFunction;
import io.celestialflow.TaskStage;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.codec.TaskCodec;
import io.celestialflow.spi.TaskObserver;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A stage whose tasks run in remote workers (a {@link RemoteWorker}, the Go worker, any process
 * speaking docs/protocol.md), declared like any other stage: its results come back into the graph
 * and flow downstream like a local stage's, and each task is counted once — succeeded, failed or
 * duplicate — whatever happened to the workers.
 *
 * <pre>{@code
 * try (RedisBridge redis = RedisBridge.connect("redis://127.0.0.1:6379")) {
 *   TaskStage<Integer, Long> square =
 *       RemoteStage.map("square", Integer.class, Long.class)
 *           .redis(redis)
 *           .graph("demo")
 *           .maxOutstanding(4096)
 *           .build();
 *   TaskStage<Long, String> show = TaskStage.map("show", (Long x) -> "#" + x).build();
 *   try (TaskGraph graph = TaskGraph.builder("demo").stages(square, show).edge(square, show).build()) {
 *     graph.run(square, List.of(1, 2, 3)).outputs(show);   // [#1, #4, #9], computed remotely
 *   }
 * }
 * }</pre>
 *
 * <p>The stage is an {@link io.celestialflow.ExecutionMode#ASYNC ASYNC} stage: sending a task puts
 * it in a batch (written with one pipelined round trip), and the stage's future completes when the
 * worker's result arrives. At most {@link Builder#maxOutstanding maxOutstanding} tasks wait for
 * results at once: that bounds the task stream too. The graph name given here must be the one the
 * workers are started with: together with the stage name it makes the stream keys (see {@link
 * RedisKeys}).
 */
public final class RemoteStage {
  /** Default most tasks waiting for results at once. */
  public static final int DEFAULT_MAX_OUTSTANDING = 1024;

  /** Default most tasks written per round trip. */
  public static final int DEFAULT_BATCH_SIZE = 256;

  /** Every remote stage built, with what a worker serving it needs (weak: stages may go). */
  private static final Map<TaskStage<?, ?>, Declared> DECLARED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private RemoteStage() {}

  /**
   * What a remote stage was declared with: where its tasks go, their types, and the function that
   * serves them in a worker ({@link Builder#local}), if given.
   */
  record Declared(
      RedisKeys keys,
      String group,
      EngineAdapter.Shape shape,
      Type taskType,
      Type outputType,
      CodecFactory codecs,
      @Nullable TaskFunction<Object, ?> local) {}

  /**
   * Whether a stage was built by a {@link Builder}.
   *
   * @param stage a stage
   * @return true for a remote stage
   */
  public static boolean isRemote(TaskStage<?, ?> stage) {
    return DECLARED.containsKey(Objects.requireNonNull(stage, "stage"));
  }

  static @Nullable Declared declared(TaskStage<?, ?> stage) {
    return DECLARED.get(stage);
  }

  /**
   * The observer that gives remote stages the engine's view of each task, so that task messages
   * carry the engine's run id ({@link io.celestialflow.GraphRun#runId()}) and, when the run tracks
   * lineage ({@link io.celestialflow.RunBuilder#trackLineage()}), the task's engine id, its parent
   * and its attempt ({@code id}, {@code parents}, {@code attempt} in docs/protocol.md). Attach it
   * to the graph or the run; it watches remote stages only, so other stages pay nothing:
   *
   * <pre>{@code
   * TaskGraph graph = TaskGraph.builder("demo").stages(parse, square).edge(parse, square)
   *     .observer(RemoteStage.lineage())
   *     .build();
   * graph.newRun().trackLineage().input(parse, lines).run();
   * }</pre>
   *
   * Without it, a remote stage's messages carry its own client id as {@code run}, an id of its own,
   * attempt 1 and no parents.
   *
   * @return the observer (one instance, shareable)
   */
  public static TaskObserver lineage() {
    return Lineage.INSTANCE;
  }

  /**
   * A remote stage that emits one output per task.
   *
   * @param name the stage name (the workers serve this name)
   * @param taskType the task type
   * @param outputType the output type
   * @param <I> the task type
   * @param <O> the output type
   * @return a builder
   */
  public static <I, O> Builder<I, O> map(String name, Class<I> taskType, Class<O> outputType) {
    return new Builder<>(name, EngineAdapter.Shape.MAP, taskType, outputType);
  }

  /**
   * A remote stage that emits one output per task, with generic types ({@code List<Point>}...).
   *
   * @param name the stage name
   * @param taskType the exact task type
   * @param outputType the exact output type
   * @param <I> the task type
   * @param <O> the output type
   * @return a builder
   */
  public static <I, O> Builder<I, O> map(String name, Type taskType, Type outputType) {
    return new Builder<>(name, EngineAdapter.Shape.MAP, taskType, outputType);
  }

  /**
   * A remote splitter: the worker returns several values, each a task downstream.
   *
   * @param name the stage name
   * @param taskType the task type
   * @param outputType the type of each output
   * @param <I> the task type
   * @param <O> the type of each output
   * @return a builder
   */
  public static <I, O> Builder<I, O> splitter(String name, Class<I> taskType, Class<O> outputType) {
    return new Builder<>(name, EngineAdapter.Shape.SPLITTER, taskType, outputType);
  }

  /**
   * A remote splitter with generic types.
   *
   * @param name the stage name
   * @param taskType the exact task type
   * @param outputType the exact type of each output
   * @param <I> the task type
   * @param <O> the type of each output
   * @return a builder
   */
  public static <I, O> Builder<I, O> splitter(String name, Type taskType, Type outputType) {
    return new Builder<>(name, EngineAdapter.Shape.SPLITTER, taskType, outputType);
  }

  /**
   * A remote stage that emits nothing (the engine sees a splitter that emits no outputs).
   *
   * @param name the stage name
   * @param taskType the task type
   * @param <I> the task type
   * @return a builder
   */
  public static <I> Builder<I, Void> consumer(String name, Type taskType) {
    return new Builder<>(name, EngineAdapter.Shape.CONSUMER, taskType, Void.class);
  }

  /**
   * Configures a remote stage. Setters check their argument at once.
   *
   * @param <I> the task type
   * @param <O> the output type
   */
  public static final class Builder<I, O> {
    private final String name;
    private final EngineAdapter.Shape shape;
    private final Type taskType;
    private final Type outputType;
    private @Nullable RedisBridge redis;
    private @Nullable String graph;
    private String group = RedisBridge.DEFAULT_GROUP;
    private int maxOutstanding = DEFAULT_MAX_OUTSTANDING;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private CodecFactory codecs = new GsonCodecFactory();
    private Duration resultTtl = Duration.ofDays(1);
    private @Nullable RetryPolicy retry;
    private @Nullable Duration timeout;
    private boolean dedupe;
    private @Nullable Consumer<RemoteResult> onResult;
    private @Nullable TaskFunction<Object, ?> local;

    private Builder(String name, EngineAdapter.Shape shape, Type taskType, Type outputType) {
      this.name = Objects.requireNonNull(name, "name");
      this.shape = shape;
      this.taskType = Objects.requireNonNull(taskType, "taskType");
      this.outputType = Objects.requireNonNull(outputType, "outputType");
    }

    /**
     * Sets the Redis bridge the stage uses (required).
     *
     * @param redis the bridge
     * @return this builder
     */
    public Builder<I, O> redis(RedisBridge redis) {
      this.redis = Objects.requireNonNull(redis, "redis");
      return this;
    }

    /**
     * Sets the graph name that, with the stage name, makes the stream keys; the workers must be
     * started with the same graph name (required).
     *
     * @param graph the graph name
     * @return this builder
     */
    public Builder<I, O> graph(String graph) {
      Objects.requireNonNull(graph, "graph");
      if (graph.isEmpty()) {
        throw new GraphDefinitionException("stage '" + name + "': the graph name is empty");
      }
      this.graph = graph;
      return this;
    }

    /**
     * Sets the consumer group the workers read with (default {@code workers}); the stage creates it
     * if needed.
     *
     * @param group the group name
     * @return this builder
     */
    public Builder<I, O> group(String group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * Sets the most tasks waiting for results at once (default {@value #DEFAULT_MAX_OUTSTANDING}):
     * the backpressure that bounds the task stream.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder<I, O> maxOutstanding(int max) {
      this.maxOutstanding = Durations.atLeast(max, 1, "maxOutstanding");
      return this;
    }

    /**
     * Sets the most tasks written to Redis in one pipelined round trip (default {@value
     * #DEFAULT_BATCH_SIZE}). Batches form by themselves: whatever waits while a batch is written
     * goes in the next.
     *
     * @param size at least 1
     * @return this builder
     */
    public Builder<I, O> batchSize(int size) {
      this.batchSize = Durations.atLeast(size, 1, "batchSize");
      return this;
    }

    /**
     * Sets how tasks and results are written (default: Gson JSON with exact generic types). The
     * codec must write JSON: payloads are embedded in the protocol's JSON messages.
     *
     * @param codecs the codec factory
     * @return this builder
     */
    public Builder<I, O> codecs(CodecFactory codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /**
     * Sets how long the run's result stream lives after the last result was written, should this
     * JVM die without deleting it (default 1 day).
     *
     * @param ttl positive
     * @return this builder
     */
    public Builder<I, O> resultTtl(Duration ttl) {
      this.resultTtl = Durations.positive(ttl, "resultTtl");
      return this;
    }

    /**
     * Retries failed tasks (a remote failure is a {@link RemoteWorkerException}; an unreachable
     * Redis a {@link RedisUnavailableException}). Each retry is sent as a new task.
     *
     * @param policy the retry policy
     * @return this builder
     */
    public Builder<I, O> retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Fails a task whose result has not arrived within {@code timeout}; a result arriving later is
     * dropped (counted as a duplicate by the bridge).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder<I, O> timeout(Duration timeout) {
      this.timeout = Durations.positive(timeout, "timeout");
      return this;
    }

    /**
     * Skips tasks equal to one the stage has already seen.
     *
     * @return this builder
     */
    public Builder<I, O> dedupe() {
      this.dedupe = true;
      return this;
    }

    /**
     * Receives where and when each task ran (on the thread that reads results: keep it short).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder<I, O> onResult(Consumer<RemoteResult> listener) {
      this.onResult = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Gives the function that computes this stage's tasks in a worker, so that the program that
     * declares the graph can also serve the stage: a generated runner started with {@code --worker
     * STAGE} (see docs/redis.md, "Scale out") runs this function on the tasks other copies of the
     * graph send. The graph itself never calls it: its tasks always go through Redis. What the
     * function returns depends on the stage: the output of a map stage, the outputs ({@link
     * Iterable} or {@link java.util.stream.Stream}) of a splitter, anything (ignored) for a
     * consumer.
     *
     * @param function the work, as a worker runs it
     * @return this builder
     */
    @SuppressWarnings("unchecked")
    public Builder<I, O> local(TaskFunction<? super I, ?> function) {
      this.local = (TaskFunction<Object, ?>) Objects.requireNonNull(function, "function");
      return this;
    }

    /**
     * Builds the stage. The task and output types are checked here: a type that cannot travel as
     * JSON fails now. No connection is opened until the first task is sent.
     *
     * @return the stage
     * @throws GraphDefinitionException if the bridge or graph name is missing, or a type cannot
     *     travel as JSON
     */
    public TaskStage<I, O> build() {
      RedisBridge bridge = redis;
      String g = graph;
      if (bridge == null || g == null) {
        throw new GraphDefinitionException(
            "remote stage '" + name + "' needs .redis(bridge) and .graph(name)");
      }
      TaskCodec<Object> in = EngineAdapter.codec(codecs, taskType, name, "task type");
      TaskCodec<Object> out =
          shape == EngineAdapter.Shape.CONSUMER
              ? in
              : EngineAdapter.codec(codecs, outputType, name, "output type");
      RedisKeys keys = bridge.keys(g, name);
      Exchange exchange =
          bridge.exchange(
              keys,
              () ->
                  new Exchange(
                      bridge, keys, group, Exchange.Mode.CALL, in, batchSize, resultTtl, onResult));
      Exchange.Decoder decoder =
          switch (shape) {
            case MAP -> r -> ResultDecoder.value(r, out);
            case SPLITTER -> r -> ResultDecoder.values(r, out);
            case CONSUMER -> ResultDecoder::none;
          };
      TaskStage<I, O> stage =
          EngineAdapter.stage(
              name,
              shape,
              task -> exchange.call(task, Lineage.take(name, task), decoder),
              new EngineAdapter.Policy(maxOutstanding, retry, timeout, dedupe));
      DECLARED.put(stage, new Declared(keys, group, shape, taskType, outputType, codecs, local));
      return stage;
    }
  }
}
