package io.celestialflow;

import io.celestialflow.spi.TaskObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Configures one run of a {@link TaskGraph}: its inputs, which outputs to keep, stream or hand to a
 * callback, and whether it stays open for injected tasks. Obtained from {@link TaskGraph#newRun()};
 * use it once.
 *
 * <pre>{@code
 * GraphResult result = graph.newRun()
 *     .input(parse, Files.lines(path))            // read lazily, in bounded memory
 *     .input(fetch, List.of("https://example.org"))
 *     .collect(parse)                             // also keep a non-exit stage's outputs
 *     .onOutput(store, row -> metrics.increment())
 *     .run();
 * }</pre>
 *
 * <p>By default the outputs of the graph's exit stages are collected into the result; for runs with
 * more outputs than fit in memory use {@link #discardOutputs()} with {@link #onOutput} or {@link
 * #stream}.
 */
public final class RunBuilder {
  private final TaskGraph graph;
  private final List<Input> inputs = new ArrayList<>();
  private final Set<Integer> collect = new LinkedHashSet<>();
  private boolean collectExits = true;
  private final Map<Integer, List<Consumer<Object>>> callbacks = new LinkedHashMap<>();
  private final Set<Integer> streams = new LinkedHashSet<>();
  private final List<GraphListener> listeners = new ArrayList<>();
  private final List<TaskObserver> observers = new ArrayList<>();
  private final Set<String> keepResults = new LinkedHashSet<>();
  private boolean keepOpen;
  private @Nullable Layout layout;
  private boolean lineage;
  private int keepFailures = DEFAULT_KEEP_FAILURES;
  private boolean keepFailuresSet;
  private EngineClock clock = EngineClock.SYSTEM;
  private boolean used;

  /** How many failures a run keeps in memory unless told otherwise. */
  public static final int DEFAULT_KEEP_FAILURES = 10_000;

  /** One input source and the stage it feeds. */
  record Input(int stage, Object source) {}

  RunBuilder(TaskGraph graph) {
    this.graph = graph;
  }

  /**
   * Adds tasks for a stage, read lazily (a collection, or any iterable such as a generator).
   *
   * @param stage a stage of the graph
   * @param tasks the tasks; none may be null
   * @param <I> the task type
   * @return this builder
   * @throws GraphInputException if the stage is not in the graph
   */
  public <I> RunBuilder input(TaskStage<I, ?> stage, Iterable<? extends I> tasks) {
    return addInput(stage, tasks);
  }

  /**
   * Adds tasks for a stage from an iterator, read lazily.
   *
   * @param stage a stage of the graph
   * @param tasks the tasks; none may be null
   * @param <I> the task type
   * @return this builder
   */
  public <I> RunBuilder input(TaskStage<I, ?> stage, Iterator<? extends I> tasks) {
    return addInput(stage, tasks);
  }

  /**
   * Adds tasks for a stage from a stream, read lazily and closed when exhausted.
   *
   * @param stage a stage of the graph
   * @param tasks the tasks; none may be null
   * @param <I> the task type
   * @return this builder
   */
  public <I> RunBuilder input(TaskStage<I, ?> stage, Stream<? extends I> tasks) {
    return addInput(stage, tasks);
  }

  /**
   * Adds tasks for the stage with the given name. Their type is not checked here; a task the stage
   * cannot take fails like any other.
   *
   * @param stageName the stage name
   * @param tasks the tasks
   * @return this builder
   */
  public RunBuilder input(String stageName, Iterable<?> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    inputs.add(new Input(graph.indexOf(stageName), tasks));
    return this;
  }

  private RunBuilder addInput(TaskStage<?, ?> stage, Object source) {
    Objects.requireNonNull(source, "tasks");
    inputs.add(new Input(graph.indexOf(stage, "input"), source));
    return this;
  }

  /**
   * Also collects the outputs of these stages into the result.
   *
   * @param stages stages of the graph
   * @return this builder
   */
  public RunBuilder collect(TaskStage<?, ?>... stages) {
    for (TaskStage<?, ?> s : stages) {
      collect.add(graph.indexOf(s, "collect"));
    }
    return this;
  }

  /**
   * Collects nothing by default (exit stages included); counts and failures are still kept. Stages
   * named with {@link #collect} are still collected.
   *
   * @return this builder
   */
  public RunBuilder discardOutputs() {
    this.collectExits = false;
    return this;
  }

  /**
   * Calls {@code callback} with each output of a stage as it is produced, on the worker thread that
   * produced it (possibly several at once: make it thread-safe and quick). An exception it throws
   * is logged and ignored.
   *
   * @param stage a stage of the graph
   * @param callback the callback
   * @param <O> the output type
   * @return this builder
   */
  @SuppressWarnings("unchecked")
  public <O> RunBuilder onOutput(TaskStage<?, O> stage, Consumer<? super O> callback) {
    Objects.requireNonNull(callback, "callback");
    callbacks
        .computeIfAbsent(graph.indexOf(stage, "onOutput"), k -> new ArrayList<>())
        .add((Consumer<Object>) callback);
    return this;
  }

  /**
   * Makes a stage's outputs available as a {@link Stream} through {@link GraphRun#outputs}.
   *
   * @param stage a stage of the graph
   * @return this builder
   */
  public RunBuilder stream(TaskStage<?, ?> stage) {
    streams.add(graph.indexOf(stage, "stream"));
    return this;
  }

  /**
   * Keeps the run open for tasks {@linkplain GraphRun#inject injected} later: it does not end when
   * its inputs are exhausted, only after {@link GraphRun#closeInputs()} (and the work in progress
   * is done) or when cancelled.
   *
   * @return this builder
   */
  public RunBuilder keepOpen() {
    this.keepOpen = true;
    return this;
  }

  /**
   * Runs with this layout instead of the graph's ({@link TaskGraph#layout()}).
   *
   * @param layout the layout
   * @return this builder
   * @throws GraphDefinitionException if it was already set, or is {@link Layout#SERIAL} for a graph
   *     with a cycle or with an explicit inbox capacity
   */
  public RunBuilder layout(Layout layout) {
    Objects.requireNonNull(layout, "layout");
    if (this.layout != null) {
      throw new GraphDefinitionException("the run's layout was already set to " + this.layout);
    }
    graph.checkLayout(layout);
    this.layout = layout;
    return this;
  }

  /**
   * Tracks task identity: every task gets an id, unique in the run, and the id of the task whose
   * output it is (see {@link io.celestialflow.spi.TaskRef}); failures carry it ({@link
   * TaskFailure#taskId()}) and {@link TaskObserver}s see it, which is what lineage records are made
   * of. Off by default, when it costs nothing per task; on, one small object per task.
   *
   * @return this builder
   */
  public RunBuilder trackLineage() {
    this.lineage = true;
    return this;
  }

  /**
   * Keeps at most this many {@link TaskFailure}s in memory for {@link GraphResult#failures()}
   * (default {@value #DEFAULT_KEEP_FAILURES}); later failures are counted ({@link
   * GraphResult#failureCount()}) and still sent to listeners, so a run where millions of tasks fail
   * stays in bounded memory. Use a listener (or the run store) to keep them all.
   *
   * @param max the most failures kept, 0 or more
   * @return this builder
   */
  public RunBuilder keepFailures(int max) {
    if (max < 0) {
      throw new GraphDefinitionException("keepFailures must be 0 or more, was " + max);
    }
    if (keepFailuresSet) {
      throw new GraphDefinitionException("keepFailures was already set to " + keepFailures);
    }
    this.keepFailures = max;
    this.keepFailuresSet = true;
    return this;
  }

  /**
   * Keeps each successful task of these stages with its outputs, in memory, for {@link
   * GraphResult#results} — the original CelestialFlow's success pairs, for small runs (every pair
   * stays in memory until the result is dropped); for large runs, write them elsewhere from a
   * {@link TaskObserver} ({@link TaskObserver#wantsResults}, {@link TaskObserver#result}). A
   * splitter that returns a stream or an iterator has it drained into a list first.
   *
   * @param stages stages of the graph
   * @return this builder
   * @throws GraphInputException if a stage is not in the graph
   */
  public RunBuilder keepResults(TaskStage<?, ?>... stages) {
    for (TaskStage<?, ?> s : stages) {
      keepResults.add(graph.stages().get(graph.indexOf(s, "keepResults")).name());
    }
    return this;
  }

  /**
   * Adds a per-task observer for this run only.
   *
   * @param observer the observer
   * @return this builder
   */
  public RunBuilder observer(TaskObserver observer) {
    observers.add(Objects.requireNonNull(observer, "observer"));
    return this;
  }

  /** Replaces the engine's clock and timer (tests: deterministic backoff and timeouts). */
  RunBuilder clock(EngineClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Adds a listener for this run only.
   *
   * @param listener the listener
   * @return this builder
   */
  public RunBuilder listener(GraphListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Starts the run in the background.
   *
   * @return the running run
   * @throws GraphStateException if the graph is closed or this builder was already used
   */
  public GraphRun start() {
    if (used) {
      throw new GraphStateException("this RunBuilder was already used; call graph.newRun() again");
    }
    used = true;
    graph.checkOpen();
    Set<Integer> collected = new LinkedHashSet<>();
    if (collectExits) {
      for (TaskStage<?, ?> s : graph.exitStages()) {
        if (s.kind() != StageKind.CONSUMER) {
          collected.add(graph.indexOf(s.name()));
        }
      }
    }
    collected.addAll(collect);
    List<TaskObserver> allObservers = new ArrayList<>(graph.observers());
    allObservers.addAll(observers);
    ResultKeeper keeper = keepResults.isEmpty() ? null : new ResultKeeper(keepResults);
    if (keeper != null) {
      allObservers.add(keeper);
    }
    RunEngine engine =
        new RunEngine(
            new RunSpec(
                graph,
                layout == null ? graph.layout() : layout,
                List.copyOf(inputs),
                collected,
                callbacks,
                streams,
                listeners,
                List.copyOf(allObservers),
                keepOpen,
                lineage,
                keepFailures,
                keeper,
                clock));
    engine.start();
    return engine;
  }

  /**
   * Runs to the end on the calling thread's behalf (see {@link GraphRun#await()} for interrupts).
   *
   * @return the result
   * @throws GraphStateException if outputs are {@linkplain #stream streamed} (use {@link #start()})
   */
  public GraphResult run() {
    if (!streams.isEmpty()) {
      throw new GraphStateException(
          "run() would wait forever once the output stream of a streamed stage filled up, as"
              + " nobody reads it; use start(), read run.outputs(stage), then run.await()");
    }
    try (GraphRun run = start()) {
      return run.await();
    }
  }
}
