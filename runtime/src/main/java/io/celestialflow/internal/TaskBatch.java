package io.celestialflow.internal;

/**
 * Internal, for execution backends: tasks a driver took from its stage's inbox ({@link
 * StagePort#claim}). Each item is opaque — a task, or the engine's wrapper around one — and goes
 * back to the engine as it is, through {@link TaskPort}. Not API.
 */
public interface TaskBatch {
  /**
   * How many items the batch holds.
   *
   * @return the count, at least 1
   */
  int size();

  /**
   * One item.
   *
   * @param index from 0 to {@link #size()} - 1
   * @return the item
   */
  Object item(int index);
}
