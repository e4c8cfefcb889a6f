package io.celestialflow;

import io.celestialflow.codec.CodecFactory;
import io.celestialflow.internal.ProcessPlan;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One stage of a graph: a function plus the policy it runs under. Immutable; build one with the
 * static factories, which say what the stage emits per task:
 *
 * <ul>
 *   <li>{@link #map map}: one output per task, to every downstream stage;
 *   <li>{@link #splitter splitter}: zero or more outputs per task, each a task downstream (the
 *       original's {@code TaskSplitter});
 *   <li>{@link #router router}: one output per task, to the downstream stage(s) the function names
 *       (the original's {@code TaskRouter});
 *   <li>{@link #consumer consumer}: no output;
 *   <li>{@link #async async}, {@link #asyncSplitter asyncSplitter}, {@link #asyncRouter
 *       asyncRouter}: the same shapes for functions that return a {@link CompletionStage}; these
 *       run in {@link ExecutionMode#ASYNC} mode;
 *   <li>{@link #process process}, {@link #processSplitter processSplitter}, {@link #processRouter
 *       processRouter}, {@link #processConsumer processConsumer}: the same shapes defined by a
 *       class, run in {@link ExecutionMode#PROCESS worker JVMs}.
 * </ul>
 *
 * <pre>{@code
 * TaskStage<String, Page> download = TaskStage.map("download", (String url) -> http.get(url))
 *     .execution(Execution.virtualThreads(200))
 *     .retry(RetryPolicy.on(IOException.class).maxAttempts(4))
 *     .timeout(Duration.ofSeconds(10))
 *     .dedupe()
 *     .build();
 * }</pre>
 *
 * <p>A stage is identified in its graph by its name, which must be unique there. Type parameters
 * make wiring type-safe: {@link TaskGraph.Builder#edge} only accepts an edge whose source's output
 * type is assignable to the target's input type.
 *
 * @param <I> the type of the tasks the stage takes
 * @param <O> the type of each output it emits ({@link Void} for consumers)
 */
public final class TaskStage<I, O> {
  /** Default limit of outstanding tasks for {@link ExecutionMode#ASYNC} stages. */
  public static final int DEFAULT_ASYNC_WORKERS = 64;

  private final String name;
  private final StageKind kind;
  private final boolean async;
  private final TaskFunction<Object, ?> function;
  private final Execution execution;
  private final @Nullable Type taskType;
  private final RetryPolicy retry;
  private final @Nullable Duration timeout;
  private final boolean dedupe;
  private final @Nullable Function<Object, ?> dedupeKey;
  private final @Nullable ProcessPlan process;

  private TaskStage(Builder<I, O> b, @Nullable ProcessPlan process) {
    this.name = b.name;
    this.kind = b.kind;
    this.async = b.async;
    this.function = b.function;
    this.execution = b.effectiveExecution();
    this.taskType = b.taskType;
    this.retry = b.retry;
    this.timeout = b.timeout;
    this.dedupe = b.dedupe;
    this.dedupeKey = b.dedupeKey;
    this.process = process;
  }

  private TaskStage(TaskStage<I, O> base, Execution execution) {
    this.name = base.name;
    this.kind = base.kind;
    this.async = base.async;
    this.function = base.function;
    this.execution = execution;
    this.taskType = base.taskType;
    this.retry = base.retry;
    this.timeout = base.timeout;
    this.dedupe = base.dedupe;
    this.dedupeKey = base.dedupeKey;
    this.process = base.process;
  }

  /**
   * This stage with another execution, everything else equal: what a matrix of set-ups (the
   * runner's {@code --bench}) runs. The execution must fit the stage as {@link
   * Builder#execution(Execution)} requires.
   *
   * @param execution the execution
   * @return this stage if the execution is the same, else a copy
   * @throws GraphDefinitionException if the execution does not fit the stage
   */
  public TaskStage<I, O> withExecution(Execution execution) {
    Objects.requireNonNull(execution, "execution");
    if (execution.equals(this.execution)) {
      return this;
    }
    checkFit(name, async, process != null, execution);
    return new TaskStage<>(this, execution);
  }

  /** Rejects an execution that does not fit how the stage was made. */
  private static void checkFit(String name, boolean async, boolean processes, Execution execution) {
    if (processes != execution instanceof Execution.Processes) {
      throw new GraphDefinitionException(
          processes
              ? "stage '"
                  + name
                  + "' is defined by a class for worker processes, so its execution is"
                  + " Execution.processes(n), not "
                  + execution.describe()
              : "stage '"
                  + name
                  + "': worker processes need a class, not a lambda (a lambda cannot be"
                  + " recreated in another JVM); use TaskStage.process(name, Class)");
    }
    if (async != execution instanceof Execution.Async) {
      throw new GraphDefinitionException(
          async
              ? "stage '"
                  + name
                  + "' returns a CompletionStage, so its execution is Execution.async(n), not "
                  + execution.describe()
              : "stage '"
                  + name
                  + "' is synchronous; Execution.async(n) needs a function returning"
                  + " CompletionStage (TaskStage.async, asyncSplitter or asyncRouter)");
    }
  }

  // ---------------------------------------------------------------- factories

  /**
   * A stage that emits one output per task.
   *
   * @param name the stage name, unique in its graph
   * @param function the work; must not return {@code null}
   * @param <I> the task type
   * @param <O> the output type
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> map(
      String name, TaskFunction<? super I, ? extends O> function) {
    return new Builder<>(name, StageKind.MAP, false, erase(function));
  }

  /**
   * A stage that emits zero or more outputs per task, each a task of every downstream stage.
   *
   * @param name the stage name, unique in its graph
   * @param function the work; returns the outputs
   * @param <I> the task type
   * @param <O> the type of each output
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> splitter(
      String name, TaskFunction<? super I, ? extends Iterable<? extends O>> function) {
    return new Builder<>(name, StageKind.SPLITTER, false, erase(function));
  }

  /**
   * A splitter whose function returns a {@link Stream}; the stream is consumed and closed.
   *
   * @param name the stage name, unique in its graph
   * @param function the work; returns the outputs
   * @param <I> the task type
   * @param <O> the type of each output
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> streamSplitter(
      String name, TaskFunction<? super I, ? extends Stream<? extends O>> function) {
    return new Builder<>(name, StageKind.SPLITTER, false, erase(function));
  }

  /**
   * A stage that sends each output only to the downstream stage(s) its function names.
   *
   * @param name the stage name, unique in its graph
   * @param function the work; returns the value and its targets
   * @param <I> the task type
   * @param <O> the output type
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> router(
      String name, TaskFunction<? super I, ? extends Routed<? extends O>> function) {
    return new Builder<>(name, StageKind.ROUTER, false, erase(function));
  }

  /**
   * A stage that emits nothing; it may not have downstream stages.
   *
   * @param name the stage name, unique in its graph
   * @param consumer the work
   * @param <I> the task type
   * @return a builder for the stage
   */
  public static <I> Builder<I, Void> consumer(String name, TaskConsumer<? super I> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    TaskFunction<I, @Nullable Object> f =
        task -> {
          consumer.accept(task);
          return null;
        };
    return new Builder<>(name, StageKind.CONSUMER, false, erase(f));
  }

  /**
   * An {@link ExecutionMode#ASYNC asynchronous} stage that emits one output per task.
   *
   * @param name the stage name, unique in its graph
   * @param function the work; returns a stage that completes with the output
   * @param <I> the task type
   * @param <O> the output type
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> async(
      String name, TaskFunction<? super I, ? extends CompletionStage<? extends O>> function) {
    return new Builder<>(name, StageKind.MAP, true, erase(function));
  }

  /**
   * An {@link ExecutionMode#ASYNC asynchronous} splitter.
   *
   * @param name the stage name, unique in its graph
   * @param function the work; returns a stage that completes with the outputs
   * @param <I> the task type
   * @param <O> the type of each output
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> asyncSplitter(
      String name,
      TaskFunction<? super I, ? extends CompletionStage<? extends Iterable<? extends O>>>
          function) {
    return new Builder<>(name, StageKind.SPLITTER, true, erase(function));
  }

  /**
   * An {@link ExecutionMode#ASYNC asynchronous} router.
   *
   * @param name the stage name, unique in its graph
   * @param function the work; returns a stage that completes with the routing decision
   * @param <I> the task type
   * @param <O> the output type
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> asyncRouter(
      String name,
      TaskFunction<? super I, ? extends CompletionStage<? extends Routed<? extends O>>> function) {
    return new Builder<>(name, StageKind.ROUTER, true, erase(function));
  }

  // ---------------------------------------------------------------- PROCESS factories

  /**
   * A stage that emits one output per task, computed in {@link ExecutionMode#PROCESS worker JVMs}.
   * Each worker creates its own instance of {@code type} with its no-argument constructor, so the
   * class must be a named top-level or static nested class (not a lambda) on the class path. Its
   * exact generic types are read with reflection and tasks and results travel as JSON (see {@link
   * Builder#codecs}); types that cannot make the trip fail here, with {@link
   * GraphDefinitionException}, when the stage is built.
   *
   * <pre>{@code
   * public final class Square implements TaskFunction<Integer, Long> {
   *   public Long apply(Integer x) { return (long) x * x; }
   * }
   *
   * TaskStage<Integer, Long> square =
   *     TaskStage.process("square", Square.class).execution(Execution.processes(4)).build();
   * }</pre>
   *
   * @param name the stage name, unique in its graph
   * @param type the function class; must not return {@code null}
   * @param <I> the task type
   * @param <O> the output type
   * @return a builder for the stage, in {@link ExecutionMode#PROCESS} mode with 1 worker
   */
  public static <I, O> Builder<I, O> process(
      String name, Class<? extends TaskFunction<I, O>> type) {
    return Builder.process(name, StageKind.MAP, type);
  }

  /**
   * A splitter run in {@link ExecutionMode#PROCESS worker JVMs}: see {@link #process}. The worker
   * sends every element of the returned {@link Iterable} back; each becomes a task downstream.
   *
   * @param name the stage name, unique in its graph
   * @param type the function class
   * @param <I> the task type
   * @param <O> the type of each output
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> processSplitter(
      String name, Class<? extends TaskFunction<I, ? extends Iterable<O>>> type) {
    return Builder.process(name, StageKind.SPLITTER, type);
  }

  /**
   * A router run in {@link ExecutionMode#PROCESS worker JVMs}: see {@link #process}. The worker
   * returns the {@link Routed} value and its targets; the driving JVM sends it on.
   *
   * @param name the stage name, unique in its graph
   * @param type the function class
   * @param <I> the task type
   * @param <O> the output type
   * @return a builder for the stage
   */
  public static <I, O> Builder<I, O> processRouter(
      String name, Class<? extends TaskFunction<I, Routed<O>>> type) {
    return Builder.process(name, StageKind.ROUTER, type);
  }

  /**
   * A consumer run in {@link ExecutionMode#PROCESS worker JVMs}: see {@link #process}.
   *
   * @param name the stage name, unique in its graph
   * @param type the consumer class
   * @param <I> the task type
   * @return a builder for the stage
   */
  public static <I> Builder<I, Void> processConsumer(
      String name, Class<? extends TaskConsumer<I>> type) {
    return Builder.process(name, StageKind.CONSUMER, type);
  }

  @SuppressWarnings("unchecked")
  private static TaskFunction<Object, ?> erase(TaskFunction<?, ?> function) {
    return (TaskFunction<Object, ?>) Objects.requireNonNull(function, "function");
  }

  // ---------------------------------------------------------------- accessors

  /**
   * The stage name, unique within its graph.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * What the stage emits per task.
   *
   * @return the kind
   */
  public StageKind kind() {
    return kind;
  }

  /**
   * How the stage runs its tasks.
   *
   * @return the execution strategy
   */
  public Execution execution() {
    return execution;
  }

  /**
   * The execution mode, as reported in counters: {@code execution().mode()}.
   *
   * @return the mode
   */
  public ExecutionMode mode() {
    return execution.mode();
  }

  /**
   * The concurrency limit: {@code execution().workers()}.
   *
   * @return the limit, at least 1
   */
  public int workers() {
    return execution.workers();
  }

  /**
   * The type of the tasks the stage takes, when it was declared ({@link Builder#taskType}): tools
   * that decode tasks from text (the dashboard's injection, the run store's resume) use it.
   *
   * @return the task type, if declared
   */
  public Optional<Type> taskType() {
    return Optional.ofNullable(taskType);
  }

  /**
   * Whether the function returns a {@link CompletionStage}.
   *
   * @return true for asynchronous stages
   */
  public boolean isAsync() {
    return async;
  }

  /**
   * The retry policy ({@link RetryPolicy#none()} unless set).
   *
   * @return the policy
   */
  public RetryPolicy retryPolicy() {
    return retry;
  }

  /**
   * The per-task timeout, if any.
   *
   * @return the timeout
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * Whether tasks already seen by this stage are skipped and counted as duplicates.
   *
   * @return true when duplicate checking is on
   */
  public boolean dedupe() {
    return dedupe;
  }

  TaskFunction<Object, ?> function() {
    return function;
  }

  /**
   * Calls the stage's function once, outside any run: what a remote worker serving this stage in
   * another process does with each task it receives. The result is the function's own: one output
   * for a map stage, the outputs ({@link Iterable}, {@link Stream}, iterator or array) for a
   * splitter, a {@link Routed} value for a router, {@code null} for a consumer, and a {@link
   * CompletionStage} of those for an asynchronous stage. Policies (retries, timeout, duplicate
   * checking) are the engine's and do not apply here.
   *
   * @param task the task
   * @return what the function returned
   * @throws Exception what the function threw
   * @throws IllegalStateException for a {@link ExecutionMode#PROCESS} stage, whose function exists
   *     only in its worker JVMs
   */
  public @Nullable Object apply(I task) throws Exception {
    return function.apply(Objects.requireNonNull(task, "task"));
  }

  @Nullable Function<Object, ?> dedupeKey() {
    return dedupeKey;
  }

  /**
   * What the PROCESS backend made of a {@link ExecutionMode#PROCESS} stage's settings, else null.
   */
  @Nullable ProcessPlan process() {
    return process;
  }

  /**
   * A short description: name, kind and execution, e.g. {@code square (MAP, THREAD x4)}.
   *
   * @return the description
   */
  public String describe() {
    return name + " (" + kind + ", " + execution.describe() + ")";
  }

  @Override
  public String toString() {
    return "TaskStage[" + describe() + "]";
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures a {@link TaskStage}. Every setter checks its argument at once and throws {@link
   * GraphDefinitionException} on a bad or repeated setting.
   *
   * @param <I> the task type
   * @param <O> the output type
   */
  public static final class Builder<I, O> {
    private final String name;
    private final StageKind kind;
    private final boolean async;
    private final TaskFunction<Object, ?> function;
    private @Nullable Execution execution;
    private @Nullable Type taskType;
    private RetryPolicy retry = RetryPolicy.none();
    private boolean retrySet;
    private @Nullable Duration timeout;
    private boolean dedupe;
    private @Nullable Function<Object, ?> dedupeKey;
    private @Nullable ProcessOptions process;

    private Builder(String name, StageKind kind, boolean async, TaskFunction<Object, ?> function) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new GraphDefinitionException("a stage name must not be blank");
      }
      if (!name.strip().equals(name) || name.chars().anyMatch(Character::isISOControl)) {
        throw new GraphDefinitionException(
            "stage name '"
                + name
                + "' must not start or end with spaces or contain control characters");
      }
      this.name = name;
      this.kind = kind;
      this.async = async;
      this.function = function;
    }

    private static <I, O> Builder<I, O> process(String name, StageKind kind, Class<?> type) {
      Objects.requireNonNull(type, "type");
      // The function runs in the workers; the engine never calls this placeholder.
      TaskFunction<Object, ?> remote =
          task -> {
            throw new IllegalStateException("stage '" + name + "' runs in worker processes");
          };
      Builder<I, O> b = new Builder<>(name, kind, false, remote);
      b.process = new ProcessOptions(type);
      return b;
    }

    /**
     * Sets how the stage runs its tasks (see {@link Execution} for which strategies fit which
     * stage). The default is {@link Execution#serial()} for a synchronous function, {@link
     * Execution#async(int) async(}{@value TaskStage#DEFAULT_ASYNC_WORKERS}{@code )} for one
     * returning a {@link CompletionStage} and {@link Execution#processes(int) processes(1)} for a
     * class run in worker JVMs.
     *
     * @param execution the strategy
     * @return this builder
     * @throws GraphDefinitionException if it was already set or does not fit the stage
     */
    public Builder<I, O> execution(Execution execution) {
      Objects.requireNonNull(execution, "execution");
      if (this.execution != null) {
        throw new GraphDefinitionException(
            "stage '" + name + "': execution was already set to " + this.execution.describe());
      }
      checkFit(name, async, process != null, execution);
      this.execution = execution;
      return this;
    }

    /**
     * Declares the type of the tasks the stage takes, for tools that decode tasks from text: the
     * dashboard's task injection and the run store's resume. The generated graph classes declare it
     * for every stage.
     *
     * @param type the task type (a class, or a generic type such as {@code List<String>})
     * @return this builder
     */
    public Builder<I, O> taskType(Type type) {
      Objects.requireNonNull(type, "type");
      if (this.taskType != null) {
        throw new GraphDefinitionException("stage '" + name + "': task type was already set");
      }
      this.taskType = type;
      return this;
    }

    /**
     * Sets the retry policy.
     *
     * @param policy which failures to retry and how
     * @return this builder
     */
    public Builder<I, O> retry(RetryPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      if (retrySet) {
        throw new GraphDefinitionException("stage '" + name + "': retry policy was already set");
      }
      this.retry = policy;
      this.retrySet = true;
      return this;
    }

    /**
     * Fails a task that takes longer than {@code timeout} with a {@link
     * java.util.concurrent.TimeoutException}; its thread is interrupted and the worker moves on. In
     * {@link ExecutionMode#PROCESS} mode the worker JVM running the task is killed instead (its
     * other tasks are sent again and a replacement starts); the limit is then enforced at most half
     * its length (and at most 500 ms) late.
     *
     * @param timeout the per-task limit, positive
     * @return this builder
     */
    public Builder<I, O> timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new GraphDefinitionException(
            "stage '" + name + "': timeout must be positive, was " + timeout);
      }
      if (this.timeout != null) {
        throw new GraphDefinitionException("stage '" + name + "': timeout was already set");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Skips tasks equal to one the stage has already seen, counting them as duplicates.
     *
     * @return this builder
     */
    public Builder<I, O> dedupe() {
      requireNoDedupe();
      this.dedupe = true;
      return this;
    }

    private void requireNoDedupe() {
      if (dedupe) {
        throw new GraphDefinitionException("stage '" + name + "': dedupe was already set");
      }
    }

    /**
     * Skips tasks whose key equals the key of a task the stage has already seen.
     *
     * @param key computes the identity of a task
     * @return this builder
     */
    @SuppressWarnings("unchecked")
    public Builder<I, O> dedupe(Function<? super I, ?> key) {
      requireNoDedupe();
      this.dedupe = true;
      this.dedupeKey = (Function<Object, ?>) Objects.requireNonNull(key, "key");
      return this;
    }

    // -------------------------------------------------------------- PROCESS settings

    private ProcessOptions processSettings(String setting) {
      ProcessOptions p = process;
      if (p == null) {
        throw new GraphDefinitionException(
            "stage '"
                + name
                + "': "
                + setting
                + " applies only to PROCESS stages, made with TaskStage.process(name, Class)");
      }
      return p;
    }

    /**
     * Sets the maximum heap of each worker JVM ({@code -Xmx}).
     *
     * @param size a JVM size such as {@code 512m} or {@code 2g}
     * @return this builder
     */
    public Builder<I, O> heap(String size) {
      processSettings("heap").heap(name, size);
      return this;
    }

    /**
     * Sets a system property in each worker JVM ({@code -Dkey=value}).
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     */
    public Builder<I, O> systemProperty(String key, String value) {
      processSettings("systemProperty").systemProperty(name, key, value);
      return this;
    }

    /**
     * Adds options to the command line of each worker JVM, for example {@code -XX:+UseSerialGC}.
     * The class path and the main class are the engine's; the heap is set with {@link #heap}.
     *
     * @param args JVM options, each starting with {@code -}
     * @return this builder
     */
    public Builder<I, O> jvmArgs(String... args) {
      processSettings("jvmArgs").jvmArgs(name, args);
      return this;
    }

    /**
     * Sets how long a worker JVM may stay silent before it is considered hung, killed and replaced
     * (default 10 s). Workers send a heartbeat four times per period, from a thread of their own,
     * so a long task is not a silence; a frozen JVM (stopped, deadlocked, thrashing in GC) is.
     * Limit the time of each task with {@link #timeout}.
     *
     * @param timeout at least 100 ms
     * @return this builder
     */
    public Builder<I, O> heartbeatTimeout(Duration timeout) {
      processSettings("heartbeatTimeout").heartbeatTimeout(name, timeout);
      return this;
    }

    /**
     * Sets how tasks and results are serialised (default: JSON by Gson with the exact generic
     * types, {@link io.celestialflow.codec.GsonCodecFactory}). Named by class because every worker
     * JVM creates its own instance, with the class's no-argument constructor.
     *
     * @param factory the codec factory class
     * @return this builder
     */
    public Builder<I, O> codecs(Class<? extends CodecFactory> factory) {
      processSettings("codecs").codecs(name, factory);
      return this;
    }

    /**
     * Sets where the lines worker JVMs print go (default {@link WorkerOutput#standardStreams()}).
     *
     * @param sink receives each line with the stage name and worker number
     * @return this builder
     */
    public Builder<I, O> workerOutput(WorkerOutput sink) {
      processSettings("workerOutput").workerOutput(name, sink);
      return this;
    }

    /**
     * Builds the stage.
     *
     * @return the stage
     * @throws GraphDefinitionException if the settings do not fit together
     */
    public TaskStage<I, O> build() {
      ProcessOptions p = process;
      return new TaskStage<>(this, p == null ? null : ProcessBridge.plan(p.settings(name, kind)));
    }

    private Execution effectiveExecution() {
      if (execution != null) {
        return execution;
      }
      if (process != null) {
        return Execution.processes(1);
      }
      return async ? Execution.async(DEFAULT_ASYNC_WORKERS) : Execution.serial();
    }
  }
}
