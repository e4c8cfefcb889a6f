package io.celestialflow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a run produced: the outputs of the collected stages, its failures, every stage's final
 * counters, how far each input was read, and — for a cancelled run — the tasks it did not finish.
 * Immutable.
 *
 * <p>For every stage, {@code received = succeeded + failed + duplicates + unfinished}.
 */
public final class GraphResult {
  private final String runId;
  private final TaskGraph owner;
  private final String graph;
  private final RunState state;
  private final Instant startedAt;
  private final Duration elapsed;
  private final Map<String, List<Object>> outputs;
  private final List<TaskFailure> failures;
  private final long failureCount;
  private final List<InputFailure> inputFailures;
  private final List<InputProgress> inputs;
  private final Map<String, StageStats> stats;
  private final Map<String, List<Object>> unfinished;
  private final Map<String, List<TaskResult<?, ?>>> results;
  private final @Nullable Throwable cause;

  GraphResult(
      String runId,
      TaskGraph owner,
      RunState state,
      Instant startedAt,
      Duration elapsed,
      Map<String, List<Object>> outputs,
      List<TaskFailure> failures,
      long failureCount,
      List<InputFailure> inputFailures,
      List<InputProgress> inputs,
      Map<String, StageStats> stats,
      Map<String, List<Object>> unfinished,
      Map<String, List<TaskResult<?, ?>>> results,
      @Nullable Throwable cause) {
    this.runId = runId;
    this.owner = owner;
    this.graph = owner.name();
    this.state = state;
    this.startedAt = startedAt;
    this.elapsed = elapsed;
    this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    this.failures = List.copyOf(failures);
    this.failureCount = failureCount;
    this.inputFailures = List.copyOf(inputFailures);
    this.inputs = List.copyOf(inputs);
    this.stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
    this.unfinished = Collections.unmodifiableMap(new LinkedHashMap<>(unfinished));
    this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
    this.cause = cause;
  }

  /**
   * The id of the run.
   *
   * @return the run id
   */
  public String runId() {
    return runId;
  }

  /**
   * The graph's name.
   *
   * @return the name
   */
  public String graph() {
    return graph;
  }

  /**
   * {@link RunState#COMPLETED} or {@link RunState#CANCELLED}.
   *
   * @return the final state
   */
  public RunState state() {
    return state;
  }

  /**
   * Whether every task was accounted for (nothing left unfinished).
   *
   * @return true for a completed run
   */
  public boolean isCompleted() {
    return state == RunState.COMPLETED;
  }

  /**
   * When the run started.
   *
   * @return the start time
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * How long the run took, until every thread had stopped.
   *
   * @return the duration
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Why a cancelled run stopped, if it was not a plain {@link GraphRun#cancel()}: an interrupt of
   * the waiting thread, or an error in one of the run's threads (then {@link GraphRun#await()}
   * throws it too).
   *
   * @return the cause, if any
   */
  public Optional<Throwable> cause() {
    return Optional.ofNullable(cause);
  }

  /**
   * The collected outputs of a stage, in no particular order across workers (in production order
   * for a {@link ExecutionMode#SERIAL} stage fed by one serial path).
   *
   * @param stage the stage; exit stages are collected by default, others with {@link
   *     RunBuilder#collect}
   * @param <O> the output type
   * @return the outputs
   * @throws GraphInputException if the stage's outputs were not collected, or the stage is not one
   *     of this run's graph
   */
  @SuppressWarnings("unchecked")
  public <O> List<O> outputs(TaskStage<?, O> stage) {
    return (List<O>) outputs(nameOf(stage, "outputs"));
  }

  /**
   * The successful tasks of a stage with their outputs, kept because the run asked for them ({@link
   * RunBuilder#keepResults}), in the order they finished.
   *
   * @param stage a stage of this result's graph
   * @param <I> the task type
   * @param <O> the output type
   * @return the (task, outputs) pairs
   * @throws GraphInputException if the run did not keep the stage's results, or the stage is not in
   *     the graph
   */
  @SuppressWarnings("unchecked")
  public <I, O> List<TaskResult<I, O>> results(TaskStage<I, O> stage) {
    String name = nameOf(stage, "results");
    List<TaskResult<?, ?>> kept = results.get(name);
    if (kept == null) {
      throw new GraphInputException(
          "results of stage '"
              + name
              + "' were not kept; ask for them with newRun().keepResults(stage)"
              + (state == RunState.FAILED ? " (a failed run keeps none)" : ""));
    }
    return (List<TaskResult<I, O>>) (List<?>) kept;
  }

  private String nameOf(TaskStage<?, ?> stage, String role) {
    return owner.stages().get(owner.indexOf(stage, role)).name();
  }

  /**
   * The collected outputs of the stage with the given name.
   *
   * @param stage the stage name
   * @return the outputs
   * @throws GraphInputException if the stage's outputs were not collected
   */
  public List<Object> outputs(String stage) {
    List<Object> out = outputs.get(stage);
    if (out == null) {
      throw new GraphInputException(
          "outputs of stage '"
              + stage
              + "' were not collected; collected stages: "
              + outputs.keySet()
              + " (exit stages are collected unless discardOutputs() was used; add others with"
              + " collect(...))");
    }
    return out;
  }

  /**
   * The outputs of every collected stage, by stage name.
   *
   * @return the outputs
   */
  public Map<String, List<Object>> outputs() {
    return outputs;
  }

  /**
   * The tasks that failed for good, in the order the failures happened — the first {@link
   * RunBuilder#keepFailures(int)} of them (10,000 by default); {@link #failureCount()} counts them
   * all, and listeners received every one as a {@link io.celestialflow.event.TaskFailed} event.
   *
   * @return the failures kept
   */
  public List<TaskFailure> failures() {
    return failures;
  }

  /**
   * How many tasks failed for good, kept in {@link #failures()} or not.
   *
   * @return the number of failures
   */
  public long failureCount() {
    return failureCount;
  }

  /**
   * The failures of one stage that were kept.
   *
   * @param stage the stage
   * @return its failures
   */
  public List<TaskFailure> failures(TaskStage<?, ?> stage) {
    return failures(nameOf(stage, "failures"));
  }

  /**
   * The failures of one stage.
   *
   * @param stage the stage name
   * @return its failures
   */
  public List<TaskFailure> failures(String stage) {
    List<TaskFailure> out = new ArrayList<>();
    for (TaskFailure f : failures) {
      if (f.stage().equals(stage)) {
        out.add(f);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Input sources that threw while being read (their tasks read before that were processed).
   *
   * @return the input failures
   */
  public List<InputFailure> inputFailures() {
    return inputFailures;
  }

  /**
   * How far each input source was read, in the order the inputs were added.
   *
   * @return the progress of every input
   */
  public List<InputProgress> inputs() {
    return inputs;
  }

  /**
   * Every stage's final counters, in stage order.
   *
   * @return the counters
   */
  public List<StageStats> stats() {
    return List.copyOf(stats.values());
  }

  /**
   * The final counters of one stage.
   *
   * @param stage the stage name
   * @return its counters
   * @throws GraphInputException if there is no such stage
   */
  public StageStats stats(String stage) {
    StageStats s = stats.get(stage);
    if (s == null) {
      throw new GraphInputException("no stage named '" + stage + "' in graph '" + graph + "'");
    }
    return s;
  }

  /**
   * The final counters of one stage.
   *
   * @param stage the stage
   * @return its counters
   */
  public StageStats stats(TaskStage<?, ?> stage) {
    return stats(nameOf(stage, "stats"));
  }

  /**
   * The tasks a cancelled run left unfinished, by stage: queued, in flight, waiting for a retry, or
   * produced but not yet delivered. Empty for a completed run. Tasks an input source had not
   * produced yet are not included: {@link #inputs()} says how far each source was read. Feeding
   * these lists and the unread rest of the inputs to a new run resumes the work.
   *
   * @return the unfinished tasks by stage name (stages with none are omitted)
   */
  public Map<String, List<Object>> unfinished() {
    return unfinished;
  }

  /**
   * The tasks a cancelled run left unfinished at one stage.
   *
   * @param stage the stage name
   * @return the tasks (empty if none)
   */
  public List<Object> unfinished(String stage) {
    return unfinished.getOrDefault(stage, List.of());
  }

  /**
   * The tasks a cancelled run left unfinished at one stage.
   *
   * @param stage the stage
   * @param <I> the stage's task type
   * @return the tasks (empty if none)
   */
  @SuppressWarnings("unchecked")
  public <I> List<I> unfinished(TaskStage<I, ?> stage) {
    return (List<I>) unfinished(nameOf(stage, "unfinished"));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("GraphResult[").append(graph).append(" ").append(runId).append(", ");
    sb.append(state).append(", ");
    sb.append(elapsed.toMillis()).append(" ms");
    for (StageStats s : stats.values()) {
      sb.append(", ")
          .append(s.stage())
          .append(": ")
          .append(s.succeeded())
          .append(" ok/")
          .append(s.failed())
          .append(" failed/")
          .append(s.duplicates())
          .append(" dup");
      if (s.unfinished() > 0) {
        sb.append("/").append(s.unfinished()).append(" unfinished");
      }
    }
    return sb.append("]").toString();
  }
}
