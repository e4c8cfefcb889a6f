package io.celestialflow;

import io.celestialflow.graph.GraphShape;
import io.celestialflow.spi.TaskObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A graph of {@link TaskStage}s connected by {@link EdgeSpec}s, and the runner of that graph.
 *
 * <h2>Building</h2>
 *
 * <pre>{@code
 * try (TaskGraph graph = TaskGraph.builder("quickstart")
 *         .stage(add).stage(square)
 *         .edge(add, square)
 *         .build()) {
 *   GraphResult result = graph.run(add, List.of(new AddArgs(1, 2), new AddArgs(3, 4)));
 *   List<Integer> squares = result.outputs(square);
 * }
 * }</pre>
 *
 * Any shape is allowed: chains, fan-out (every downstream stage receives each output), fan-in,
 * forests, cycles, self-loops, complete graphs. Stages with no upstream are the graph's {@link
 * #entryStages() entry stages}; any stage may also be fed directly.
 *
 * <h2>Running</h2>
 *
 * {@link #run(TaskStage, Iterable)} runs to the end and returns a {@link GraphResult}; {@link
 * #newRun()} configures a run in full (several inputs, streamed or collected outputs, callbacks,
 * inputs kept open for injection) and {@link RunBuilder#start()} runs it in the background. A run
 * ends by itself once its inputs are exhausted and no task is queued or in flight anywhere — for
 * cyclic graphs too.
 *
 * <h2>Closing</h2>
 *
 * A graph may run several times, one run after another or at once. {@link #close()} cancels the
 * runs still going, waits until their threads have stopped, and refuses new runs.
 */
public final class TaskGraph implements AutoCloseable {
  /** Default capacity of a stage's inbox, in tasks. */
  public static final int DEFAULT_INBOX_CAPACITY = 8192;

  /** Default number of tasks handed from one thread to another at once. */
  public static final int DEFAULT_CHUNK_SIZE = 256;

  private final String name;
  private final List<TaskStage<?, ?>> stages;
  private final Map<String, Integer> index;
  private final List<EdgeSpec> edges;
  private final Layout layout;
  private final int inboxCapacity;
  private final int chunkSize;
  private final boolean explicitCapacity;
  private final List<GraphListener> listeners;
  private final List<TaskObserver> observers;
  private final GraphShape shape;
  private final Set<RunEngine> activeRuns = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private TaskGraph(Builder b) {
    this.name = b.name;
    this.stages = List.copyOf(b.stages.values());
    Map<String, Integer> idx = new LinkedHashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      idx.put(stages.get(i).name(), i);
    }
    this.index = Collections.unmodifiableMap(idx);
    this.edges = List.copyOf(b.edges);
    this.layout = b.layout;
    this.inboxCapacity = b.inboxCapacity;
    this.chunkSize = b.chunkSize;
    this.explicitCapacity = b.explicitCapacity;
    this.listeners = List.copyOf(b.listeners);
    this.observers = List.copyOf(b.observers);
    List<GraphShape.Link> links = new ArrayList<>(edges.size());
    for (EdgeSpec e : edges) {
      links.add(new GraphShape.Link(e.from(), e.to()));
    }
    this.shape = GraphShape.of(List.copyOf(index.keySet()), links);
    checkLayout(layout);
  }

  /** Rejects a layout this graph cannot run with. */
  void checkLayout(Layout candidate) {
    if (candidate != Layout.SERIAL) {
      return;
    }
    if (!shape.isAcyclic()) {
      throw new GraphDefinitionException(
          "graph '"
              + name
              + "' has a cycle ("
              + shape.describeCycle().orElseThrow()
              + "), so it cannot use the SERIAL layout, which runs stages one at a time in"
              + " topological order; use Layout.STREAMING");
    }
    if (explicitCapacity) {
      throw new GraphDefinitionException(
          "graph '"
              + name
              + "' sets an inbox capacity, which the SERIAL layout cannot honour: a stage's whole"
              + " output waits for the next stage's turn, so its inboxes are unbounded; drop"
              + " inboxCapacity(...) or use Layout.STREAMING");
    }
  }

  /**
   * This graph with each stage's execution chosen anew (stage names, edges and settings equal):
   * returning a stage's own {@link TaskStage#execution()} keeps it. Runs of the new graph are
   * independent of this one's.
   *
   * @param choose the execution for each stage
   * @return the new graph
   * @throws GraphDefinitionException if an execution does not fit its stage
   */
  public TaskGraph withExecutions(Function<? super TaskStage<?, ?>, ? extends Execution> choose) {
    return copy(s -> s.withExecution(Objects.requireNonNull(choose.apply(s), "execution"))).build();
  }

  /**
   * A builder holding this graph's stages, edges and settings, to derive a variant (another layout,
   * more stages): settings may be set again once on it.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return copy(s -> s);
  }

  /** A builder with this graph's settings and edges, and its stages as {@code stageCopy} makes. */
  private Builder copy(Function<TaskStage<?, ?>, TaskStage<?, ?>> stageCopy) {
    Builder b = new Builder(name);
    for (TaskStage<?, ?> stage : stages) {
      b.stage(stageCopy.apply(stage));
    }
    b.edges.addAll(edges);
    b.layout = layout;
    b.inboxCapacity = inboxCapacity;
    b.explicitCapacity = explicitCapacity;
    b.chunkSize = chunkSize;
    b.listeners.addAll(listeners);
    b.observers.addAll(observers);
    return b;
  }

  /**
   * Starts building a graph named {@code "graph"}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder("graph");
  }

  /**
   * Starts building a graph.
   *
   * @param name the graph's name (used in thread names, logs and the dashboard)
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  // ---------------------------------------------------------------- structure

  /**
   * The graph's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The stages, in the order they were added.
   *
   * @return the stages
   */
  public List<TaskStage<?, ?>> stages() {
    return stages;
  }

  /**
   * The stage with the given name.
   *
   * @param stageName the name
   * @return the stage
   * @throws GraphInputException if there is none
   */
  public TaskStage<?, ?> stage(String stageName) {
    Integer i = index.get(stageName);
    if (i == null) {
      throw new GraphInputException(unknownStageMessage(stageName));
    }
    return stages.get(i);
  }

  /**
   * The edges, in the order they were added.
   *
   * @return the edges
   */
  public List<EdgeSpec> edges() {
    return edges;
  }

  /**
   * The layout runs use.
   *
   * @return the layout
   */
  public Layout layout() {
    return layout;
  }

  /**
   * Stages without upstream stages, in stage order.
   *
   * @return the entry stages
   */
  public List<TaskStage<?, ?>> entryStages() {
    return pick(shape.entries());
  }

  /**
   * Stages without downstream stages, in stage order; their outputs are collected by default.
   *
   * @return the exit stages
   */
  public List<TaskStage<?, ?>> exitStages() {
    return pick(shape.exits());
  }

  /**
   * Whether the graph has no cycle (self-loops count as cycles).
   *
   * @return true for a DAG
   */
  public boolean isAcyclic() {
    return shape.isAcyclic();
  }

  private List<TaskStage<?, ?>> pick(int[] which) {
    List<TaskStage<?, ?>> out = new ArrayList<>(which.length);
    for (int i : which) {
      out.add(stages.get(i));
    }
    return Collections.unmodifiableList(out);
  }

  // ---------------------------------------------------------------- running

  /**
   * Configures a run of this graph.
   *
   * @return a run builder
   * @throws GraphStateException if the graph is closed
   */
  public RunBuilder newRun() {
    checkOpen();
    return new RunBuilder(this);
  }

  /**
   * Runs the graph on tasks for one stage and waits for the end.
   *
   * @param stage the stage the tasks go to (usually an entry stage)
   * @param tasks the tasks, read lazily
   * @param <I> the task type
   * @return the result
   */
  public <I> GraphResult run(TaskStage<I, ?> stage, Iterable<? extends I> tasks) {
    return newRun().input(stage, tasks).run();
  }

  /**
   * Runs the graph on a stream of tasks for one stage and waits for the end.
   *
   * @param stage the stage the tasks go to
   * @param tasks the tasks, read lazily
   * @param <I> the task type
   * @return the result
   */
  public <I> GraphResult run(TaskStage<I, ?> stage, Stream<? extends I> tasks) {
    return newRun().input(stage, tasks).run();
  }

  /**
   * Starts the graph on tasks for one stage in the background.
   *
   * @param stage the stage the tasks go to
   * @param tasks the tasks, read lazily
   * @param <I> the task type
   * @return the running run
   */
  public <I> GraphRun start(TaskStage<I, ?> stage, Iterable<? extends I> tasks) {
    return newRun().input(stage, tasks).start();
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Cancels every run still going, waits until their threads have stopped, and refuses new runs.
   * Calling it again does nothing.
   */
  @Override
  public void close() {
    closed = true;
    for (RunEngine run : activeRuns) {
      run.cancel();
    }
    for (RunEngine run : activeRuns) {
      run.awaitStopped(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "TaskGraph[" + name + ", " + stages.size() + " stages, " + edges.size() + " edges]";
  }

  // ---------------------------------------------------------------- package-private

  void checkOpen() {
    if (closed) {
      throw new GraphStateException(
          "graph '" + name + "' is closed; build a new graph to run again");
    }
  }

  int indexOf(TaskStage<?, ?> stage, String role) {
    Integer i = index.get(stage.name());
    if (i == null) {
      throw new GraphInputException(role + ": " + unknownStageMessage(stage.name()));
    }
    if (stages.get(i) != stage) {
      throw new GraphInputException(
          role
              + ": the stage object named '"
              + stage.name()
              + "' is not the one added to graph '"
              + name
              + "' under that name");
    }
    return i;
  }

  int indexOf(String stageName) {
    Integer i = index.get(stageName);
    if (i == null) {
      throw new GraphInputException(unknownStageMessage(stageName));
    }
    return i;
  }

  private String unknownStageMessage(String stageName) {
    return "no stage named '"
        + stageName
        + "' in graph '"
        + name
        + "' (stages: "
        + index.keySet()
        + ")";
  }

  GraphShape shape() {
    return shape;
  }

  int inboxCapacity() {
    return inboxCapacity;
  }

  int chunkSize() {
    return chunkSize;
  }

  List<GraphListener> listeners() {
    return listeners;
  }

  List<TaskObserver> observers() {
    return observers;
  }

  void register(RunEngine run) {
    activeRuns.add(run);
    if (closed) {
      activeRuns.remove(run);
      checkOpen();
    }
  }

  void unregister(RunEngine run) {
    activeRuns.remove(run);
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds a {@link TaskGraph}. Every method checks its arguments at once and throws {@link
   * GraphDefinitionException} on a mistake: a duplicate or unknown stage, a repeated edge, an edge
   * out of a consumer, a repeated setting.
   */
  public static final class Builder {
    private final String name;
    private final Map<String, TaskStage<?, ?>> stages = new LinkedHashMap<>();
    private final Set<EdgeSpec> edges = new LinkedHashSet<>();
    private Layout layout = Layout.STREAMING;
    private boolean layoutSet;
    private int inboxCapacity = DEFAULT_INBOX_CAPACITY;
    private boolean explicitCapacity;
    private boolean inboxCapacitySet;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private boolean chunkSizeSet;
    private final List<GraphListener> listeners = new ArrayList<>();
    private final List<TaskObserver> observers = new ArrayList<>();

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new GraphDefinitionException("a graph name must not be blank");
      }
      this.name = name;
    }

    /**
     * Adds a stage.
     *
     * @param stage the stage; its name must be unique in the graph
     * @return this builder
     */
    public Builder stage(TaskStage<?, ?> stage) {
      Objects.requireNonNull(stage, "stage");
      TaskStage<?, ?> previous = stages.putIfAbsent(stage.name(), stage);
      if (previous != null) {
        throw new GraphDefinitionException(
            previous == stage
                ? "stage '" + stage.name() + "' was added to graph '" + name + "' twice"
                : "graph '"
                    + name
                    + "' already has a stage named '"
                    + stage.name()
                    + "'; stage names must be unique");
      }
      return this;
    }

    /**
     * Adds several stages.
     *
     * @param more the stages
     * @return this builder
     */
    public Builder stages(TaskStage<?, ?>... more) {
      for (TaskStage<?, ?> s : more) {
        stage(s);
      }
      return this;
    }

    /**
     * Adds several stages.
     *
     * @param more the stages
     * @return this builder
     */
    public Builder stages(Iterable<? extends TaskStage<?, ?>> more) {
      for (TaskStage<?, ?> s : more) {
        stage(s);
      }
      return this;
    }

    /**
     * Connects two stages already added: every output of {@code from} becomes a task of {@code to}.
     * The compiler checks that the output type of {@code from} is assignable to the input type of
     * {@code to}.
     *
     * @param from the upstream stage
     * @param to the downstream stage (may be {@code from} itself: a self-loop)
     * @param <T> the type flowing along the edge
     * @return this builder
     */
    public <T> Builder edge(TaskStage<?, ? extends T> from, TaskStage<? super T, ?> to) {
      requireAdded(from, "edge source");
      requireAdded(to, "edge target");
      if (from.kind() == StageKind.CONSUMER) {
        throw new GraphDefinitionException(
            "stage '"
                + from.name()
                + "' is a consumer and emits nothing, so it cannot have an edge to '"
                + to.name()
                + "'");
      }
      EdgeSpec e = new EdgeSpec(from.name(), to.name());
      if (!edges.add(e)) {
        throw new GraphDefinitionException("graph '" + name + "' already has the edge " + e);
      }
      return this;
    }

    /**
     * Connects a line of stages of one type, {@code stages[0] -> stages[1] -> ...}.
     *
     * @param line the stages, each already added
     * @param <T> the type of every task along the line
     * @return this builder
     */
    @SafeVarargs
    public final <T> Builder chain(TaskStage<T, T>... line) {
      for (int i = 0; i + 1 < line.length; i++) {
        edge(line[i], line[i + 1]);
      }
      return this;
    }

    private void requireAdded(TaskStage<?, ?> stage, String role) {
      Objects.requireNonNull(stage, role);
      TaskStage<?, ?> known = stages.get(stage.name());
      if (known == null) {
        throw new GraphDefinitionException(
            role
                + " '"
                + stage.name()
                + "' is not a stage of graph '"
                + name
                + "'; add it with stage(...) first (stages: "
                + stages.keySet()
                + ")");
      }
      if (known != stage) {
        throw new GraphDefinitionException(
            role
                + " '"
                + stage.name()
                + "' is a different stage object from the one added under that name");
      }
    }

    /**
     * Sets the layout runs use unless they choose another ({@link RunBuilder#layout}); default
     * {@link Layout#STREAMING}.
     *
     * @param layout the layout
     * @return this builder
     */
    public Builder layout(Layout layout) {
      Objects.requireNonNull(layout, "layout");
      if (layoutSet) {
        throw new GraphDefinitionException("graph '" + name + "': layout was already set");
      }
      this.layout = layout;
      this.layoutSet = true;
      return this;
    }

    /**
     * Sets how many tasks a stage's inbox holds before producers wait (default {@value
     * #DEFAULT_INBOX_CAPACITY}). Edges that close a cycle never wait. The {@link Layout#SERIAL}
     * layout cannot honour a capacity (a stage's whole output waits for the next stage's turn), so
     * setting one rules that layout out.
     *
     * @param tasks the capacity, at least 1
     * @return this builder
     */
    public Builder inboxCapacity(int tasks) {
      if (tasks < 1) {
        throw new GraphDefinitionException("inbox capacity must be at least 1, was " + tasks);
      }
      if (inboxCapacitySet) {
        throw new GraphDefinitionException(
            "graph '" + name + "': inbox capacity was already set to " + inboxCapacity);
      }
      this.inboxCapacity = tasks;
      this.inboxCapacitySet = true;
      this.explicitCapacity = true;
      return this;
    }

    /**
     * Sets how many tasks move from one thread to another at once (default {@value
     * #DEFAULT_CHUNK_SIZE}). Larger chunks cost less per task; multi-worker stages split chunks
     * among their workers.
     *
     * @param tasks the chunk size, at least 1
     * @return this builder
     */
    public Builder chunkSize(int tasks) {
      if (tasks < 1) {
        throw new GraphDefinitionException("chunk size must be at least 1, was " + tasks);
      }
      if (chunkSizeSet) {
        throw new GraphDefinitionException(
            "graph '" + name + "': chunk size was already set to " + chunkSize);
      }
      this.chunkSize = tasks;
      this.chunkSizeSet = true;
      return this;
    }

    /**
     * Adds a listener that receives the events of every run.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(GraphListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a per-task observer to every run.
     *
     * @param observer the observer
     * @return this builder
     */
    public Builder observer(TaskObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * Builds the graph.
     *
     * @return the graph
     * @throws GraphDefinitionException if it has no stage, or uses the serial layout on a cycle
     */
    public TaskGraph build() {
      if (stages.isEmpty()) {
        throw new GraphDefinitionException("graph '" + name + "' has no stages");
      }
      return new TaskGraph(this);
    }
  }
}
