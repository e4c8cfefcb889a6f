package io.celestialflow;

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
  private boolean keepOpen;
  private boolean used;

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
    RunEngine engine =
        new RunEngine(
            graph, List.copyOf(inputs), collected, callbacks, streams, listeners, keepOpen);
    engine.start();
    return engine;
  }

  /**
   * Runs to the end on the calling thread's behalf (see {@link GraphRun#await()} for interrupts).
   *
   * @return the result
   */
  public GraphResult run() {
    try (GraphRun run = start()) {
      return run.await();
    }
  }
}
