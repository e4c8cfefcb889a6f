package io.celestialflow.internal;

import org.jspecify.annotations.Nullable;

/**
 * Internal, for execution backends: the stage's per-task core as one thread of a {@link
 * BackendDriver} sees it — the same duplicate checks, emission, retries, failure records, observer
 * calls and outcome counts as in every mode. Implemented by the engine; one per thread, not
 * thread-safe. Not API.
 *
 * <p>For every item it claimed, a driver calls {@link #admit}; for a task admitted, {@link
 * #observe} when it starts, then exactly one of {@link #succeed}, {@link #fail} or (on
 * cancellation) {@link #abandon} — or hands the item back with {@link StagePort#requeue}. Outputs
 * wait in the port's buffers: call {@link #flushIfFull} between tasks and {@link #flushAll} at the
 * end of a batch. Outcomes are counted in the port and published by {@link #settle}, which must
 * follow every batch of outcomes.
 */
public interface TaskPort {
  /** A started task as the observers were told of it: handed back with its outcome. */
  interface Observation {}

  /**
   * Checks a claimed item in: unwraps it, and skips it if it is a duplicate.
   *
   * @param item an item from {@link StagePort#claim}
   * @return the bare task, or null for a duplicate (counted; nothing more to do)
   */
  @Nullable Object admit(Object item);

  /**
   * Tells the stage's observers that a task starts.
   *
   * @param item the item
   * @param task what {@link #admit} returned for it
   * @return what to hand back with its outcome; null when no observer watches the stage
   */
  @Nullable Observation observe(Object item, Object task);

  /**
   * The task's function returned {@code result}: emits it by the stage's kind and counts a success
   * (or a failure, if the result breaks the stage's contract).
   *
   * @param item the item
   * @param result what the function returned ({@code null} for a consumer)
   * @param observation what {@link #observe} returned
   * @return false if the run was cancelled meanwhile: the task is left unfinished, and the driver
   *     should stop
   */
  boolean succeed(Object item, @Nullable Object result, @Nullable Observation observation);

  /**
   * The task's attempt failed: retries it, records the failure, or leaves it unfinished if the run
   * is being cancelled.
   *
   * @param item the item
   * @param error what it failed with
   * @param observation what {@link #observe} returned
   * @return false if the task was left unfinished because of cancellation
   */
  boolean fail(Object item, Throwable error, @Nullable Observation observation);

  /**
   * A cancellation leaves a claimed item unfinished.
   *
   * @param item the item
   */
  void abandon(Object item);

  /**
   * Hands on every output buffer that holds a chunk, waiting for room downstream.
   *
   * @throws InterruptedException if the run is cancelled while it waits
   */
  void flushIfFull() throws InterruptedException;

  /**
   * Hands on every buffered output, waiting for room downstream.
   *
   * @throws InterruptedException if the run is cancelled while it waits
   */
  void flushAll() throws InterruptedException;

  /**
   * Whether outputs wait in the buffers.
   *
   * @return true if any does
   */
  boolean hasBuffered();

  /** Cancellation: hands every buffered output over without waiting; none is lost. */
  void abandonAll();

  /**
   * Publishes the outcomes counted since the last call to the stage's counters; the tasks they
   * finished are no longer claimed, and may end the stage and the run.
   */
  void settle();
}
