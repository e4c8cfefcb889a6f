package io.celestialflow;

/**
 * A task with something the engine must remember about it: its identity (when the run tracks
 * lineage), or that it re-enters its stage's inbox (a retry, or a re-run after its worker process
 * died). Bare tasks travel unwrapped, so the common path allocates nothing per task.
 *
 * <p>Envelopes compare by identity: bookkeeping about a task never depends on the user's {@code
 * equals}, which may be anything (two equal tasks are two tasks).
 */
final class Envelope {
  final Object task;

  /** The task's id in its run, from 1; 0 when the run does not track identity. */
  final long id;

  /** The id of the task whose output this task is; 0 for inputs (or without identity). */
  final long parentId;

  /** Which attempt this is, from 1. */
  final int attempt;

  /** Whether the task already passed the stage's duplicate check (retries and re-runs have). */
  final boolean admitted;

  Envelope(Object task, long id, long parentId, int attempt, boolean admitted) {
    this.task = task;
    this.id = id;
    this.parentId = parentId;
    this.attempt = attempt;
    this.admitted = admitted;
  }

  /** A new task with an identity (lineage on). */
  static Envelope tracked(Object task, long id, long parentId) {
    return new Envelope(task, id, parentId, 1, false);
  }

  /** The bare task of an item. */
  static Object task(Object item) {
    return item instanceof Envelope e ? e.task : item;
  }

  /** The attempt an item is, from 1. */
  static int attempt(Object item) {
    return item instanceof Envelope e ? e.attempt : 1;
  }

  /** The id of an item, or 0. */
  static long id(Object item) {
    return item instanceof Envelope e ? e.id : 0;
  }

  /** The parent id of an item, or 0. */
  static long parentId(Object item) {
    return item instanceof Envelope e ? e.parentId : 0;
  }

  /** The next attempt of an item that failed with a retryable error. */
  static Envelope retry(Object item) {
    return item instanceof Envelope e
        ? new Envelope(e.task, e.id, e.parentId, e.attempt + 1, true)
        : new Envelope(item, 0, 0, 2, true);
  }

  /** The same attempt again (its worker process died before it ran), past the duplicate check. */
  static Envelope rerun(Object item) {
    return item instanceof Envelope e
        ? (e.admitted ? e : new Envelope(e.task, e.id, e.parentId, e.attempt, true))
        : new Envelope(item, 0, 0, 1, true);
  }

  @Override
  public String toString() {
    return "Envelope[" + task + ", id " + id + ", attempt " + attempt + "]";
  }
}
