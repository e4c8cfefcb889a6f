package io.celestialflow.spi;

import io.celestialflow.TaskStage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Per-task hooks, called by the engine's one per-task core whatever the stage's execution (serial,
 * threads, virtual threads, async, worker processes): the extension point for metrics, lineage
 * records and the like. Attach one with {@link io.celestialflow.RunBuilder#observer(TaskObserver)}
 * or {@link io.celestialflow.TaskGraph.Builder#observer(TaskObserver)}.
 *
 * <pre>{@code
 * class Latency implements TaskObserver {
 *   final LongAdder count = new LongAdder();
 *   final LongAdder nanos = new LongAdder();
 *
 *   public boolean observes(TaskStage<?, ?> stage) { return stage.name().equals("download"); }
 *
 *   public void succeeded(TaskRef task, long elapsedNanos) {
 *     count.increment();
 *     nanos.add(elapsedNanos);
 *   }
 * }
 * }</pre>
 *
 * <h2>Cost and threads</h2>
 *
 * A run without observers pays nothing for this hook, and neither does a stage every observer
 * declines in {@link #observes}. For observed stages each call allocates one small {@link TaskRef}
 * — none for a stage whose observers all want {@linkplain #identityOnly identities only}. Methods
 * run on the thread that handles the task (a worker, the async dispatcher, a worker process's
 * reader), possibly many at once: keep them short, thread-safe and non-blocking. An exception
 * thrown by an observer is logged once per observer and stage, and ignored.
 *
 * <p>For every task {@link #started} comes first, then exactly one of {@link #succeeded}, {@link
 * #failed} (with {@code willRetry} true for each attempt that will be retried) — or {@link
 * #duplicate} alone, for a task skipped by duplicate checking. Tasks a cancelled run leaves
 * unfinished end without a second call.
 */
public interface TaskObserver {
  /**
   * Called once per stage when a run starts.
   *
   * @param stage a stage of the graph
   * @return whether this observer wants the stage's tasks (default: every stage)
   */
  default boolean observes(TaskStage<?, ?> stage) {
    return true;
  }

  /**
   * The stage is about to run its function on the task.
   *
   * @param task the task
   */
  default void started(TaskRef task) {}

  /**
   * The task succeeded and its outputs were handed on.
   *
   * @param task the task
   * @param elapsedNanos time from {@link #started} to the result (0 when no observer of the stage
   *     {@linkplain #wantsTimes wants times})
   */
  default void succeeded(TaskRef task, long elapsedNanos) {}

  /**
   * Called once per stage when a run starts: whether this observer uses the {@code elapsedNanos} of
   * {@link #succeeded} and {@link #failed} for the stage. Default true. When no observer of a stage
   * wants times the engine reads no clock for its tasks (a clock read costs tens of nanoseconds on
   * some machines: as much as a trivial task) and passes 0.
   *
   * @param stage a stage this observer {@linkplain #observes observes}
   * @return whether to time the stage's tasks for this observer
   */
  default boolean wantsTimes(TaskStage<?, ?> stage) {
    return true;
  }

  /**
   * Called once per stage when a run starts: whether this observer wants each successful task's
   * outputs ({@link #result}). Default false, and then the engine does nothing more per task.
   *
   * @param stage a stage this observer {@linkplain #observes observes}
   * @return whether to call {@link #result} for its tasks
   */
  default boolean wantsResults(TaskStage<?, ?> stage) {
    return false;
  }

  /**
   * The task succeeded with these outputs (the original CelestialFlow's success pairs); called just
   * before {@link #succeeded}, only for stages this observer {@linkplain #wantsResults wants the
   * results of}.
   *
   * @param task the task
   * @param outputs what the task produced, in order: a map's one output, a router's routed value, a
   *     splitter's items (a splitter returning a stream or iterator has it drained into a list
   *     first, for observed stages only), nothing for a consumer
   */
  default void result(TaskRef task, List<?> outputs) {}

  /**
   * An attempt of the task failed.
   *
   * @param task the task
   * @param error what went wrong
   * @param elapsedNanos time from {@link #started} to the failure (0 when no observer of the stage
   *     {@linkplain #wantsTimes wants times})
   * @param willRetry true if the stage's retry policy will try it again
   */
  default void failed(TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {}

  /**
   * A task entered the stage: read from an input source, injected, or handed on by a task of an
   * upstream stage (once for each stage it goes to). Called only in runs that track task identity
   * ({@link io.celestialflow.RunBuilder#trackLineage()}), and only for observers that override it,
   * so others pay nothing for it. It is called on the thread that produced the task, before that
   * thread reports the producing task's {@link #succeeded}; the task may still wait in a buffer or
   * the stage's inbox. An output of an attempt that then fails is taken back without a further call
   * (a splitter's outputs it already handed on stay): such a task never starts.
   *
   * @param task the task at the stage it entered (its id, its parent's id; attempt 1)
   * @param from the stage whose task produced it, or null for a task from an input or injected
   * @param source the index of the input source it was read from (in the order the run's inputs
   *     were given), or -1
   */
  default void entered(TaskRef task, @Nullable String from, int source) {}

  /**
   * The task was skipped as a duplicate of one the stage had already seen.
   *
   * @param task the task
   */
  default void duplicate(TaskRef task) {}

  /**
   * Called once per stage when a run starts: whether this observer needs no more than the identity
   * of the stage's tasks and how each attempt ended. Default false. If true, the engine calls
   * {@link #settled(SettledTasks)} for the stage instead of {@link #started}, {@link #succeeded},
   * {@link #failed} and {@link #duplicate}, and — when every observer of the stage says so and none
   * wants times — makes no object per task for it: for millions of small tasks, as in lineage
   * recording, that object costs more than the task. {@link #result} and {@link #entered} are
   * called as usual.
   *
   * <p>Such attempts reach the observer in batches: each worker collects the attempts it settles
   * and hands them over when it reports them done (once per chunk of tasks, at the latest), when
   * its batch is full, and at once for an attempt that did not succeed (so a retried attempt is
   * heard before the retry can run). So whenever the stage's counters, a listener or the run's
   * result show a task settled, the observer has heard of it.
   *
   * @param stage a stage this observer {@linkplain #observes observes}
   * @return whether to call {@link #settled(SettledTasks)} instead of the per-task calls that take
   *     a {@link TaskRef}
   */
  default boolean identityOnly(TaskStage<?, ?> stage) {
    return false;
  }

  /**
   * An attempt of a task ended, for a stage this observer wants {@linkplain #identityOnly the
   * identity only} of: called (by the default {@link #settled(SettledTasks)}) for each attempt
   * where {@link #succeeded}, {@link #failed} or {@link #duplicate} would be, with what {@link
   * TaskRef} would hold but the task itself.
   *
   * @param runId the run id
   * @param stage the stage name
   * @param id the task id, or 0 when the run does not track identity
   * @param parentId the id of the task whose output this task is, or 0
   * @param attempt the attempt, starting at 1
   * @param outcome how the attempt ended
   */
  default void settled(
      String runId, String stage, long id, long parentId, int attempt, TaskOutcome outcome) {}

  /**
   * Attempts of tasks ended, for a stage this observer wants {@linkplain #identityOnly the identity
   * only} of: the engine's call, with a batch of them. The default calls {@link #settled(String,
   * String, long, long, int, TaskOutcome)} for each in turn (and, if some of those calls throw,
   * still makes the others, then throws the first exception). Override it to take a batch at once:
   * one lock or one clock read per batch instead of per task.
   *
   * @param tasks the attempts, valid only during the call
   */
  default void settled(SettledTasks tasks) {
    RuntimeException first = null;
    for (int i = 0; i < tasks.size(); i++) {
      try {
        settled(
            tasks.runId(),
            tasks.stage(),
            tasks.id(i),
            tasks.parentId(i),
            tasks.attempt(i),
            tasks.outcome(i));
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
