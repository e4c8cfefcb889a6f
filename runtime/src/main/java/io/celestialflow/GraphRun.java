package io.celestialflow;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A run of a {@link TaskGraph} in progress, started by {@link RunBuilder#start()}.
 *
 * <p>A run ends by itself once its inputs are exhausted (or {@linkplain #closeInputs() closed}, for
 * runs started with {@link RunBuilder#keepOpen()}) and no task is queued or in flight anywhere.
 * {@link #cancel()} or {@link #close()} stops it early: every thread it started is stopped and the
 * tasks it did not finish are listed in the result.
 *
 * <pre>{@code
 * try (GraphRun run = graph.newRun().input(fetch, urls).stream(parse).start()) {
 *   run.outputs(parse).forEach(page -> index.add(page));   // as they are produced
 *   GraphResult result = run.await();
 * }
 * }</pre>
 */
public interface GraphRun extends AutoCloseable {
  /**
   * The run's id: unique across runs and JVMs, carried by every event and status of the run.
   *
   * @return the run id
   */
  String runId();

  /**
   * The graph this run belongs to.
   *
   * @return the graph
   */
  TaskGraph graph();

  /**
   * The layout this run uses: its own ({@link RunBuilder#layout}) or the graph's.
   *
   * @return the layout
   */
  Layout layout();

  /**
   * A live snapshot of every stage's counters; cheap, callable from any thread at any time.
   *
   * @return the status
   */
  GraphStatus status();

  /**
   * The result, completed once the run has ended and all its worker threads have stopped (the run's
   * supervisor thread completes it and ends right after; {@link #await()} and {@link #close()} also
   * wait for that). Each call returns a new future depending on the run's own: completing or
   * cancelling it does not affect the run. If one of the run's threads failed with an error (such
   * as {@link OutOfMemoryError}), the future fails with a {@link CelestialFlowException} caused by
   * it.
   *
   * @return the future result
   */
  CompletableFuture<GraphResult> result();

  /**
   * Waits for the run to end. If the waiting thread is interrupted, the run is cancelled, this
   * method returns its (cancelled) result and the thread's interrupt flag is set again.
   *
   * @return the result
   * @throws CelestialFlowException caused by the error, if one of the run's threads failed with an
   *     error (such as {@link OutOfMemoryError}): the run stopped at once
   * @throws GraphStateException if called from one of the run's own threads (a listener, a stage
   *     function), where waiting would never end
   */
  GraphResult await();

  /**
   * Whether the run has ended.
   *
   * @return true once the result is available
   */
  boolean isDone();

  /**
   * Feeds one more task to a stage of a run started with {@link RunBuilder#keepOpen()}. Like an
   * input source, it waits while the stage's inbox is full (bounded memory), unless called from one
   * of the run's own threads (a stage function, a listener), where waiting could deadlock: then the
   * task is accepted at once.
   *
   * @param stage the stage
   * @param task the task
   * @param <I> the task type
   * @throws GraphStateException if the run does not accept tasks (not kept open, inputs closed, or
   *     the run was cancelled)
   * @throws GraphInputException if the stage is not in the graph
   */
  <I> void inject(TaskStage<I, ?> stage, I task);

  /**
   * Feeds one more task to the stage with the given name; see {@link #inject(TaskStage, Object)}.
   * The task's type is not checked here: a task the stage cannot take fails like any other.
   *
   * @param stageName the stage name
   * @param task the task
   */
  void inject(String stageName, Object task);

  /**
   * Stops accepting injected tasks, so the run can end once the work in progress is done. Does
   * nothing if the run was not kept open or inputs were already closed.
   */
  void closeInputs();

  /**
   * Stops accepting injected tasks for one stage (the original's termination signal): once every
   * stage's inputs are closed, the run can end. Does nothing if the run was not kept open or the
   * stage's inputs were already closed.
   *
   * @param stageName the stage name
   * @throws GraphInputException if the graph has no such stage
   */
  void closeInputs(String stageName);

  /**
   * The outputs of a stage as they are produced, for a stage registered with {@link
   * RunBuilder#stream(TaskStage)}. The stream blocks while it waits for more and ends with the run.
   * It is bounded: a producer waits while the consumer is behind, so consume it (or close it, after
   * which further outputs of that stage are dropped from the stream). May be obtained once per
   * stage.
   *
   * @param stage the stage
   * @param <O> the output type
   * @return the outputs
   * @throws GraphInputException if the stage was not registered for streaming
   * @throws GraphStateException if the stream was already obtained
   */
  <O> Stream<O> outputs(TaskStage<?, O> stage);

  /** Starts cancelling the run and returns at once; {@link #result()} completes when it stopped. */
  void cancel();

  /**
   * Cancels the run if it is still going and waits until it has stopped. Harmless if repeated.
   * Called from one of the run's own threads (a listener, a stage function), it only cancels: the
   * calling thread is one of those that must stop.
   */
  @Override
  void close();
}
