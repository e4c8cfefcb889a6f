package io.celestialflow.micrometer;

import io.celestialflow.GraphListener;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.event.RunEvent;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for the runs of CelestialFlow graphs, per stage, named after Micrometer's
 * {@code ExecutorServiceMetrics} ({@code executor.completed}, {@code executor.queued}, {@code
 * executor.active}, the {@code executor} timer) under {@code celestialflow.stage}:
 *
 * <table>
 *   <caption>Meters (every one tagged {@code graph} and {@code stage}, plus the common tags)</caption>
 *   <tr><th>name</th><th>type</th><th>extra tag</th><th>what</th></tr>
 *   <tr><td>{@value #COMPLETED}</td><td>function counter</td>
 *       <td>{@code outcome}: succeeded, failed, duplicate</td>
 *       <td>tasks that reached a final outcome (failed: for good, after its retries)</td></tr>
 *   <tr><td>{@value #RETRIED}</td><td>function counter</td><td></td>
 *       <td>retry attempts scheduled</td></tr>
 *   <tr><td>{@value #RECEIVED}</td><td>function counter</td><td></td>
 *       <td>tasks that arrived at the stage</td></tr>
 *   <tr><td>{@value #QUEUED}</td><td>gauge</td><td></td>
 *       <td>tasks waiting in the stage's inbox or for a retry</td></tr>
 *   <tr><td>{@value #ACTIVE}</td><td>gauge</td><td></td>
 *       <td>tasks whose function is running now (in flight)</td></tr>
 *   <tr><td>{@value #EXECUTION}</td><td>timer, only with {@link Builder#timeTasks()}</td>
 *       <td>{@code outcome}: succeeded, failed</td>
 *       <td>time each attempt's function took</td></tr>
 * </table>
 *
 * <pre>{@code
 * CelestialFlowMetrics metrics = CelestialFlowMetrics.of(registry);
 * metrics.bind(graph.newRun()).input(parse, lines).run();      // one run
 * TaskGraph graph = metrics.bind(TaskGraph.builder("etl"))...  // every run of a graph
 * }</pre>
 *
 * <h2>Cost</h2>
 *
 * The counters and gauges cost nothing per task: they read the counters the engine keeps anyway
 * ({@link io.celestialflow.GraphRun#status()}) when the registry asks for their values, and a run's
 * final counts when it ends. Counters are cumulative over every run of a graph bound to the same
 * {@code CelestialFlowMetrics} (runs of one graph, also at the same time, add up); gauges sum the
 * runs in progress and read 0 between runs. The execution timer needs a per-task hook (a {@link
 * TaskObserver}): opt in with {@link Builder#timeTasks()}, and see docs/metrics.md for its measured
 * price on trivial tasks.
 *
 * <p>Meters are registered when a graph's first run starts and stay registered ({@link #close()}
 * removes them).
 */
public final class CelestialFlowMetrics implements AutoCloseable {
  /** Function counter: tasks that reached a final outcome, tagged {@code outcome}. */
  public static final String COMPLETED = "celestialflow.stage.completed";

  /** Function counter: retry attempts scheduled. */
  public static final String RETRIED = "celestialflow.stage.retried";

  /** Function counter: tasks that arrived at the stage (retries not counted again). */
  public static final String RECEIVED = "celestialflow.stage.received";

  /** Gauge: tasks waiting in the stage's inbox or for a retry. */
  public static final String QUEUED = "celestialflow.stage.queued";

  /** Gauge: tasks whose function is running right now. */
  public static final String ACTIVE = "celestialflow.stage.active";

  /** Timer: the time each attempt's function took, tagged {@code outcome}; opt-in. */
  public static final String EXECUTION = "celestialflow.stage";

  /** Tag: the graph's name. */
  public static final String GRAPH = "graph";

  /** Tag: the stage's name. */
  public static final String STAGE = "stage";

  /** Tag: a task's outcome. */
  public static final String OUTCOME = "outcome";

  private final MeterRegistry registry;
  private final Tags tags;
  private final boolean timed;
  private final Map<String, GraphMeters> graphs = new ConcurrentHashMap<>();
  private final Map<String, GraphMeters> runs = new ConcurrentHashMap<>();
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final GraphListener listener = this::onEvent;
  private final TaskObserver observer = new Timing();
  private volatile boolean closed;

  private CelestialFlowMetrics(Builder b) {
    this.registry = b.registry;
    this.tags = b.tags;
    this.timed = b.timed;
  }

  /**
   * Counters and gauges in {@code registry}, no timer, no common tags.
   *
   * @param registry the registry
   * @return the metrics, to bind to runs or graphs
   */
  public static CelestialFlowMetrics of(MeterRegistry registry) {
    return builder(registry).build();
  }

  /**
   * Starts configuring metrics in {@code registry}.
   *
   * @param registry the registry
   * @return a builder
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Measures this run.
   *
   * @param run a run being configured
   * @return {@code run}
   */
  public RunBuilder bind(RunBuilder run) {
    run.listener(listener);
    if (timed) {
      run.observer(observer);
    }
    return run;
  }

  /**
   * Measures every run of the graph being built.
   *
   * @param graph a graph being built
   * @return {@code graph}
   */
  public TaskGraph.Builder bind(TaskGraph.Builder graph) {
    graph.listener(listener);
    if (timed) {
      graph.observer(observer);
    }
    return graph;
  }

  /**
   * The listener that keeps the counters and gauges (what {@link #bind} attaches).
   *
   * @return the listener
   */
  public GraphListener listener() {
    return listener;
  }

  /**
   * The observer that feeds the execution timer (what {@link #bind} attaches with {@link
   * Builder#timeTasks()}); without the timer it observes no stage, so it costs nothing.
   *
   * @return the observer
   */
  public TaskObserver observer() {
    return observer;
  }

  /** Removes every meter this registered from the registry, and stops measuring. */
  @Override
  public void close() {
    closed = true;
    for (Meter m : meters) {
      registry.remove(m);
    }
    meters.clear();
    graphs.clear();
    runs.clear();
  }

  private void onEvent(RunEvent event) {
    switch (event) {
      case RunStarted s -> {
        if (closed) {
          return;
        }
        GraphMeters m = graphs.computeIfAbsent(s.graph(), GraphMeters::new);
        for (TaskStage<?, ?> stage : s.run().graph().stages()) {
          register(m, stage.name());
        }
        // Bound twice (to the graph and the run)? Counted once.
        if (runs.putIfAbsent(s.runId(), m) == null) {
          m.started(s.run());
        }
      }
      case RunFinished f -> {
        GraphMeters m = runs.remove(f.runId());
        if (m != null) {
          m.finished(f.runId(), f.result());
        }
      }
      default -> {}
    }
  }

  private void register(GraphMeters m, String stage) {
    if (!m.addStage(stage)) {
      return;
    }
    Tags t = tags.and(GRAPH, m.graph, STAGE, stage);
    for (GraphMeters.Count outcome :
        List.of(
            GraphMeters.Count.SUCCEEDED, GraphMeters.Count.FAILED, GraphMeters.Count.DUPLICATES)) {
      meters.add(
          FunctionCounter.builder(COMPLETED, m, g -> g.value(stage, outcome))
              .tags(t)
              .tag(OUTCOME, outcome.outcome)
              .baseUnit("tasks")
              .description("Tasks the stage completed, by outcome")
              .register(registry));
    }
    meters.add(
        FunctionCounter.builder(RETRIED, m, g -> g.value(stage, GraphMeters.Count.RETRIES))
            .tags(t)
            .baseUnit("tasks")
            .description("Retry attempts the stage scheduled")
            .register(registry));
    meters.add(
        FunctionCounter.builder(RECEIVED, m, g -> g.value(stage, GraphMeters.Count.RECEIVED))
            .tags(t)
            .baseUnit("tasks")
            .description("Tasks that arrived at the stage")
            .register(registry));
    // Gauges hold their GraphMeters strongly, so the function counters' (weak) state lives as
    // long as the meters stay registered, whoever holds this object.
    meters.add(
        Gauge.builder(QUEUED, m, g -> g.value(stage, GraphMeters.Count.PENDING))
            .strongReference(true)
            .tags(t)
            .baseUnit("tasks")
            .description("Tasks waiting in the stage's inbox or for a retry")
            .register(registry));
    meters.add(
        Gauge.builder(ACTIVE, m, g -> g.value(stage, GraphMeters.Count.RUNNING))
            .strongReference(true)
            .tags(t)
            .baseUnit("tasks")
            .description("Tasks whose function is running now")
            .register(registry));
    if (timed) {
      Timer succeeded = timer(t, "succeeded");
      Timer failed = timer(t, "failed");
      meters.add(succeeded);
      meters.add(failed);
      m.timers.put(stage, new StageTimers(succeeded, failed));
    }
  }

  private Timer timer(Tags t, String outcome) {
    return Timer.builder(EXECUTION)
        .tags(t)
        .tag(OUTCOME, outcome)
        .description("Time the stage's function took per attempt")
        .register(registry);
  }

  /** The two timers of one stage. */
  record StageTimers(Timer succeeded, Timer failed) {}

  /** The last run a task was timed for, so that most tasks find their timers in one lookup. */
  private record LastRun(String runId, GraphMeters meters) {}

  /** Feeds the execution timers; observes nothing without {@link Builder#timeTasks()}. */
  private final class Timing implements TaskObserver {
    private volatile @Nullable LastRun last;

    @Override
    public boolean observes(TaskStage<?, ?> stage) {
      return timed && !closed;
    }

    @Override
    public void succeeded(TaskRef task, long elapsedNanos) {
      StageTimers t = timers(task);
      if (t != null) {
        t.succeeded().record(elapsedNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void failed(TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {
      StageTimers t = timers(task);
      if (t != null) {
        t.failed().record(elapsedNanos, TimeUnit.NANOSECONDS);
      }
    }

    private @Nullable StageTimers timers(TaskRef task) {
      LastRun l = last;
      GraphMeters m;
      if (l != null && l.runId().equals(task.runId())) {
        m = l.meters();
      } else {
        m = runs.get(task.runId());
        if (m == null) {
          return null; // the listener is not attached, or this was closed
        }
        last = new LastRun(task.runId(), m);
      }
      return m.timers.get(task.stage());
    }

    @Override
    public String toString() {
      return "CelestialFlowMetrics timer";
    }
  }

  /** Configures {@link CelestialFlowMetrics}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private boolean timed;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Adds tags to every meter (besides {@code graph}, {@code stage} and {@code outcome}).
     *
     * @param tags the tags
     * @return this builder
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(tags);
      return this;
    }

    /**
     * Adds tags to every meter, as key-value pairs.
     *
     * @param keyValues keys and values, alternating
     * @return this builder
     */
    public Builder tags(String... keyValues) {
      this.tags = this.tags.and(keyValues);
      return this;
    }

    /**
     * Also times every attempt of every task ({@value #EXECUTION} timers): a per-task hook, cheap
     * but not free (see docs/metrics.md for its cost on trivial tasks).
     *
     * @return this builder
     */
    public Builder timeTasks() {
      this.timed = true;
      return this;
    }

    /**
     * Builds the metrics; meters appear when a bound graph's first run starts.
     *
     * @return the metrics
     */
    public CelestialFlowMetrics build() {
      return new CelestialFlowMetrics(this);
    }
  }
}
