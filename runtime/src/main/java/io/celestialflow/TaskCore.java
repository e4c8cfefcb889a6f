package io.celestialflow;

import io.celestialflow.spi.TaskOutcome;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The per-task protocol of one stage, the one code path every driver calls: check a task in
 * (duplicates), run it (under the stage's timeout), hand its result on ({@link Emission}), and
 * count exactly one outcome — succeeded, failed, duplicate, or left unfinished by a cancellation —
 * with retries, failure records and observers along the way.
 *
 * <p>Drivers only decide which thread runs what:
 *
 * <ul>
 *   <li>synchronous drivers call {@link #runChunk} (or {@link #run} per task);
 *   <li>the async dispatcher and the worker-process driver call {@link #admit} and {@link #observe}
 *       when a task starts, then {@link #succeed} or {@link #fail} when its result arrives, and
 *       {@link #abandon} for tasks a cancellation leaves unfinished.
 * </ul>
 *
 * Every method counts what it settles in the worker's {@link WorkerContext}; drivers never count
 * outcomes themselves, so a path that forgets one cannot exist outside this class.
 */
final class TaskCore {
  private static final Object NULL_KEY = new Object();

  private final StageRuntime stage;
  private final RunEngine run;
  private final String name;
  private final StageKind kind;
  private final TaskFunction<Object, ?> function;
  private final @Nullable Set<Object> seen;
  private final @Nullable Function<Object, ?> dedupeKey;
  private final RetryPolicy retry;
  private final long timeoutNanos;
  private final Emission emission;
  private final @Nullable Observers observers;

  /**
   * A map stage nobody observes, or whose observers want identities only: its successes take {@link
   * #succeed}'s short path.
   */
  private final boolean plainMap;

  TaskCore(StageRuntime stage, Emission emission, @Nullable Observers observers) {
    TaskStage<?, ?> def = stage.stage();
    this.stage = stage;
    this.run = stage.run();
    this.name = def.name();
    this.kind = def.kind();
    this.function = def.function();
    this.seen = def.dedupe() ? ConcurrentHashMap.newKeySet() : null;
    this.dedupeKey = def.dedupeKey();
    this.retry = def.retryPolicy();
    this.timeoutNanos = def.timeout().map(Duration::toNanos).orElse(0L);
    this.emission = emission;
    this.observers = observers;
    this.plainMap = kind == StageKind.MAP && (observers == null || observers.settlesOnly());
  }

  /** Whether observers watch this stage (then drivers keep each task's {@link #observe}). */
  boolean observed() {
    return observers != null;
  }

  // ---------------------------------------------------------------- the synchronous path

  /**
   * Runs a chunk of tasks on the calling thread: each task in turn, outputs flushed downstream as
   * buffers fill and at the end, tallies settled once. On cancellation the rest of the chunk and
   * any buffered output are recorded as unfinished. The caller has counted the chunk as claimed.
   */
  void runChunk(Chunk chunk, WorkerContext ctx) throws InterruptedException {
    int next = chunk.from;
    try {
      while (next < chunk.to && !run.isCancelled()) {
        if (!run(chunk.items[next++], ctx)) {
          break;
        }
        ctx.flushIfFull();
      }
      if (!run.isCancelled()) {
        ctx.flushAll();
      }
    } finally {
      if (run.isCancelled()) {
        for (int i = next; i < chunk.to; i++) {
          abandon(chunk.items[i], ctx);
        }
        ctx.abandonAll();
      }
      ctx.settle();
    }
  }

  /**
   * Runs one task synchronously.
   *
   * @return false if the run was cancelled meanwhile (the task is left unfinished)
   */
  boolean run(Object item, WorkerContext ctx) {
    Object task = admit(item, ctx);
    if (task == null) {
      return true;
    }
    Observers.Observation obs = observe(item, task);
    Object raw;
    ctx.enterTask();
    try {
      raw = call(task, ctx);
    } catch (Throwable error) {
      ctx.exitTask();
      return fail(item, error, obs, ctx);
    }
    ctx.exitTask();
    return succeed(item, raw, obs, ctx, true);
  }

  private @Nullable Object call(Object task, WorkerContext ctx) throws Exception {
    return timeoutNanos == 0
        ? function.apply(task)
        : TimedCall.call(function, task, timeoutNanos, name, ctx, run);
  }

  /** Calls an asynchronous stage's function: the returned stage, checked. */
  CompletionStage<?> callAsync(Object task) throws Exception {
    Object returned = function.apply(task);
    if (!(returned instanceof CompletionStage<?> cs)) {
      throw new IllegalStateException(
          "async stage '"
              + name
              + "' returned "
              + (returned == null ? "null" : "a " + returned.getClass().getName())
              + " instead of a CompletionStage");
    }
    return cs;
  }

  /** The stage's timeout in nanoseconds, 0 for none. */
  long timeoutNanos() {
    return timeoutNanos;
  }

  // ---------------------------------------------------------------- steps

  /**
   * Checks a claimed task in: unwraps it, and skips it if it is a duplicate.
   *
   * @return the bare task, or null if it was a duplicate (counted and settled)
   */
  @Nullable Object admit(Object item, WorkerContext ctx) {
    Object task;
    if (item instanceof Envelope e) {
      task = e.task;
      if (e.admitted) {
        return task;
      }
    } else {
      task = item;
    }
    if (seen != null) {
      Object key = dedupeKey == null ? task : dedupeKey.apply(task);
      if (!seen.add(key == null ? NULL_KEY : key)) {
        ctx.duplicates++;
        ctx.done++;
        if (observers != null) {
          observers.duplicate(item, task, ctx);
        }
        return null;
      }
    }
    return task;
  }

  /** The observers when one of them watches tasks entering the stage, else null. */
  @Nullable Observers entryObservers() {
    Observers o = observers;
    return o != null && o.watchesEntries() ? o : null;
  }

  /** Tells the observers a task starts; null when none watches the stage. */
  Observers.@Nullable Observation observe(Object item, Object task) {
    return observers == null ? null : observers.started(item, task);
  }

  /**
   * A task's function returned {@code raw}: hands it on and counts a success, or a failure if the
   * result breaks the stage's contract.
   *
   * @return false if the run was cancelled meanwhile (the task is left unfinished)
   */
  boolean succeed(
      Object item, @Nullable Object raw, Observers.@Nullable Observation obs, WorkerContext ctx) {
    return succeed(item, raw, obs, ctx, false);
  }

  /**
   * {@link #succeed}; {@code sync}: called by {@link #run}, on the worker that ran the task, which
   * holds nothing of it afterwards (so its envelope may become its output's).
   */
  private boolean succeed(
      Object item,
      @Nullable Object raw,
      Observers.@Nullable Observation obs,
      WorkerContext ctx,
      boolean sync) {
    if (plainMap) {
      // The common case, in one step: one output, nothing to mark or roll back, at most the
      // attempt to record for observers of identities — first, as the emission may turn the
      // task's envelope into its output's, and taken back if the result breaks the contract.
      // Measured: the general path below costs a trivial async task 1.5-2 ns more (about 12%).
      Observers watching = observers;
      if (watching != null) {
        ctx.settled(watching, item, TaskOutcome.SUCCEEDED);
      }
      try {
        emission.map(item, raw, ctx, sync);
      } catch (Throwable error) { // as below: a broken contract fails the task, an Error the run
        if (watching != null) {
          ctx.unsettleLast();
        }
        return fail(item, error, obs, ctx);
      }
      ctx.succeeded++;
      ctx.done++;
      return true;
    }
    Observers watching = observers;
    boolean results = obs != null && watching != null && watching.wantsResults();
    if (kind == StageKind.SPLITTER) {
      ctx.mark();
    }
    try {
      if (results && kind == StageKind.SPLITTER) {
        raw = TaskOutputs.drained(raw); // a stream or iterator can be read only once
      }
      emission.emit(item, raw, ctx);
    } catch (InterruptedException e) {
      ctx.rollback();
      abandon(item, ctx);
      Thread.currentThread().interrupt(); // the run is being cancelled: the driver stops
      return false;
    } catch (Throwable error) {
      if (kind == StageKind.SPLITTER) {
        ctx.rollback(); // the outputs this task emitted before its emission failed
      }
      return fail(item, error, obs, ctx);
    }
    ctx.succeeded++;
    ctx.done++;
    if (obs != null && watching != null) {
      if (results) {
        watching.result(obs, item, TaskOutputs.of(kind, raw));
      }
      watching.succeeded(obs, item, ctx);
    }
    return true;
  }

  /**
   * A task's attempt failed: retries it, records the failure, or — when the run is being cancelled
   * — leaves it unfinished. An error that means the JVM is in trouble ({@link OutOfMemoryError},
   * {@link InternalError}) is not the task's failure: it ends the run.
   *
   * @return false if the task was left unfinished because of cancellation
   */
  boolean fail(
      Object item, Throwable error, Observers.@Nullable Observation obs, WorkerContext ctx) {
    // No rollback here: when the function itself threw, the buffers hold only the outputs of
    // earlier tasks that succeeded, not yet handed on (rolling back to the last splitter's mark
    // would drop them).
    Throwable cause = unwrap(error);
    if (cause instanceof VirtualMachineError && !(cause instanceof StackOverflowError)) {
      run.fatal(stage, cause);
    }
    if (run.isCancelled()) {
      abandon(item, ctx);
      return false;
    }
    ctx.done++;
    int attempt = Envelope.attempt(item);
    boolean again = retry.shouldRetry(cause, attempt);
    Observers watching = observers;
    if (obs != null && watching != null) {
      watching.failed(obs, item, cause, again, ctx);
    }
    if (again) {
      stage.retry(item, attempt, cause, retry.delayAfter(attempt));
    } else {
      ctx.failed++;
      run.recordFailure(
          TaskFailure.of(name, Envelope.task(item), Envelope.id(item), cause, attempt));
    }
    return true;
  }

  /** A cancellation leaves a claimed task unfinished. */
  void abandon(Object item, WorkerContext ctx) {
    ctx.done++;
    stage.recordUnfinished(item);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
