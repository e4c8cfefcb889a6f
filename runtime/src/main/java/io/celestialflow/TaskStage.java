package io.celestialflow;

import io.celestialflow.codec.CodecFactory;
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
 *     .virtualThreads(200)
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
  private final ExecutionMode mode;
  private final int workers;
  private final boolean virtualThreads;
  private final RetryPolicy retry;
  private final @Nullable Duration timeout;
  private final boolean dedupe;
  private final @Nullable Function<Object, ?> dedupeKey;
  private final @Nullable ProcessSpec process;

  private TaskStage(Builder<I, O> b, @Nullable ProcessSpec process) {
    this.name = b.name;
    this.kind = b.kind;
    this.async = b.async;
    this.function = b.function;
    this.mode = b.effectiveMode();
    this.workers = b.effectiveWorkers();
    this.virtualThreads = b.virtualThreads;
    this.retry = b.retry;
    this.timeout = b.timeout;
    this.dedupe = b.dedupe;
    this.dedupeKey = b.dedupeKey;
    this.process = process;
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
   * TaskStage<Integer, Long> square = TaskStage.process("square", Square.class).workers(4).build();
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
   * The execution mode.
   *
   * @return the mode
   */
  public ExecutionMode mode() {
    return mode;
  }

  /**
   * The worker limit: threads for {@link ExecutionMode#THREAD}, outstanding tasks for {@link
   * ExecutionMode#ASYNC} and virtual threads, 1 for {@link ExecutionMode#SERIAL}.
   *
   * @return the limit, at least 1
   */
  public int workers() {
    return workers;
  }

  /**
   * Whether a {@link ExecutionMode#THREAD} stage runs each task on its own virtual thread.
   *
   * @return true for virtual threads
   */
  public boolean virtualThreads() {
    return virtualThreads;
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

  @Nullable Function<Object, ?> dedupeKey() {
    return dedupeKey;
  }

  /** The worker-process settings of a {@link ExecutionMode#PROCESS} stage, else null. */
  @Nullable ProcessSpec process() {
    return process;
  }

  /**
   * A short description: name, kind and execution, e.g. {@code square (MAP, THREAD x4)}.
   *
   * @return the description
   */
  public String describe() {
    String exec =
        switch (mode) {
          case SERIAL -> "SERIAL";
          case THREAD -> (virtualThreads ? "VIRTUAL THREADS x" : "THREAD x") + workers;
          case ASYNC -> "ASYNC x" + workers;
          case PROCESS -> "PROCESS x" + workers;
        };
    return name + " (" + kind + ", " + exec + ")";
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
    private @Nullable ExecutionMode mode;
    private int workers;
    private boolean virtualThreads;
    private RetryPolicy retry = RetryPolicy.none();
    private boolean retrySet;
    private @Nullable Duration timeout;
    private boolean dedupe;
    private @Nullable Function<Object, ?> dedupeKey;
    private ProcessSpec.@Nullable Builder process;

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
      b.process = new ProcessSpec.Builder(type);
      return b;
    }

    /**
     * Sets the execution mode; see also {@link #serial()}, {@link #threads(int)} and {@link
     * #virtualThreads(int)}.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder<I, O> mode(ExecutionMode mode) {
      Objects.requireNonNull(mode, "mode");
      if (this.mode != null) {
        throw new GraphDefinitionException(
            "stage '" + name + "': execution mode was already set to " + this.mode);
      }
      if ((process != null) != (mode == ExecutionMode.PROCESS)) {
        throw new GraphDefinitionException(
            process != null
                ? "stage '"
                    + name
                    + "' is defined by a class for worker processes, so its mode is"
                    + " PROCESS, not "
                    + mode
                : "stage '"
                    + name
                    + "': PROCESS needs a class, not a lambda (a lambda cannot be"
                    + " recreated in another JVM); use TaskStage.process(name, Class)");
      }
      if (async != (mode == ExecutionMode.ASYNC)) {
        throw new GraphDefinitionException(
            async
                ? "stage '"
                    + name
                    + "' returns a CompletionStage, so its mode is ASYNC, not "
                    + mode
                : "stage '"
                    + name
                    + "' is synchronous; ASYNC needs a function returning CompletionStage"
                    + " (TaskStage.async, asyncSplitter or asyncRouter)");
      }
      this.mode = mode;
      return this;
    }

    /**
     * Sets the worker limit: threads for {@link ExecutionMode#THREAD}, outstanding tasks for
     * virtual threads and {@link ExecutionMode#ASYNC}, worker JVMs for {@link
     * ExecutionMode#PROCESS}.
     *
     * @param workers the limit, at least 1
     * @return this builder
     */
    public Builder<I, O> workers(int workers) {
      if (workers < 1) {
        throw new GraphDefinitionException(
            "stage '" + name + "': workers must be at least 1, was " + workers);
      }
      if (this.workers != 0) {
        throw new GraphDefinitionException(
            "stage '" + name + "': workers was already set to " + this.workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * Runs tasks one at a time on the stage's own thread (the default for synchronous stages).
     *
     * @return this builder
     */
    public Builder<I, O> serial() {
      return mode(ExecutionMode.SERIAL);
    }

    /**
     * Runs tasks on a pool of {@code workers} platform threads.
     *
     * @param workers the number of threads, at least 1
     * @return this builder
     */
    public Builder<I, O> threads(int workers) {
      return mode(ExecutionMode.THREAD).workers(workers);
    }

    /**
     * Runs each task on its own virtual thread, at most {@code maxInFlight} at once: for tasks that
     * block (I/O, sleeps), where thousands may wait at the same time.
     *
     * @param maxInFlight the most tasks in flight, at least 1
     * @return this builder
     */
    public Builder<I, O> virtualThreads(int maxInFlight) {
      mode(ExecutionMode.THREAD).workers(maxInFlight);
      this.virtualThreads = true;
      return this;
    }

    /**
     * Marks a {@link ExecutionMode#THREAD} stage as using virtual threads; {@link #workers(int)} is
     * then the most tasks in flight.
     *
     * @param virtual true for virtual threads
     * @return this builder
     */
    public Builder<I, O> useVirtualThreads(boolean virtual) {
      this.virtualThreads = virtual;
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
      this.dedupe = true;
      return this;
    }

    /**
     * Skips tasks whose key equals the key of a task the stage has already seen.
     *
     * @param key computes the identity of a task
     * @return this builder
     */
    @SuppressWarnings("unchecked")
    public Builder<I, O> dedupe(Function<? super I, ?> key) {
      this.dedupe = true;
      this.dedupeKey = (Function<Object, ?>) Objects.requireNonNull(key, "key");
      return this;
    }

    // -------------------------------------------------------------- PROCESS settings

    private ProcessSpec.Builder processSettings(String setting) {
      ProcessSpec.Builder p = process;
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
      ExecutionMode m = effectiveMode();
      if (m == ExecutionMode.SERIAL && workers > 1) {
        throw new GraphDefinitionException(
            "stage '"
                + name
                + "': SERIAL runs one task at a time, so workers must be 1, was "
                + workers
                + "; use threads("
                + workers
                + ") for a pool");
      }
      if (virtualThreads && m != ExecutionMode.THREAD) {
        throw new GraphDefinitionException(
            "stage '" + name + "': virtual threads need THREAD mode, not " + m);
      }
      ProcessSpec.Builder p = process;
      return new TaskStage<>(this, p == null ? null : p.build(name, kind));
    }

    private ExecutionMode effectiveMode() {
      if (mode != null) {
        return mode;
      }
      if (process != null) {
        return ExecutionMode.PROCESS;
      }
      return async ? ExecutionMode.ASYNC : ExecutionMode.SERIAL;
    }

    private int effectiveWorkers() {
      if (workers != 0) {
        return workers;
      }
      return effectiveMode() == ExecutionMode.ASYNC ? DEFAULT_ASYNC_WORKERS : 1;
    }
  }
}
