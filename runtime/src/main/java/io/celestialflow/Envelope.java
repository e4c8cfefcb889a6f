package io.celestialflow;

/**
 * A task with something the engine must remember about it: its identity (when the run tracks
 * lineage), or that it re-enters its stage's inbox (a retry, or a re-run after its worker process
 * died). Bare tasks travel unwrapped, so the common path allocates nothing per task.
 *
 * <p>Envelopes compare by identity: bookkeeping about a task never depends on the user's {@code
 * equals}, which may be anything (two equal tasks are two tasks).
 *
 * <p>An envelope only one stage holds ({@link #exclusive}) may be turned into the envelope of its
 * task's one output ({@link #becomeOutput}) once the task has succeeded on a synchronous worker: a
 * chain of map stages then makes one envelope per input instead of one per task and stage.
 * Otherwise an envelope does not change once handed on (its fields are written before it is, and
 * every hand-over between threads goes through a lock or a queue).
 */
final class Envelope {
  Object task;

  /** The task's id in its run, from 1; 0 when the run does not track identity. */
  long id;

  /** The id of the task whose output this task is; 0 for inputs (or without identity). */
  long parentId;

  /** Which attempt this is, from 1. */
  int attempt;

  /** Whether the task already passed the stage's duplicate check (retries and re-runs have). */
  boolean admitted;

  /**
   * Whether one stage alone holds this envelope: an input, an injected task, a retry, or an output
   * sent along one edge (an output sent along several is the same envelope in several stages).
   */
  final boolean exclusive;

  Envelope(Object task, long id, long parentId, int attempt, boolean admitted, boolean exclusive) {
    this.task = task;
    this.id = id;
    this.parentId = parentId;
    this.attempt = attempt;
    this.admitted = admitted;
    this.exclusive = exclusive;
  }

  /** A new task with an identity (lineage on), held by one stage. */
  static Envelope tracked(Object task, long id, long parentId) {
    return new Envelope(task, id, parentId, 1, false, true);
  }

  /** A new output with an identity, sent to {@code stages} stages. */
  static Envelope output(Object task, long id, long parentId, int stages) {
    return new Envelope(task, id, parentId, 1, false, stages == 1);
  }

  /**
   * This envelope, now of its task's output {@code out} with id {@code outId}: for a task that
   * succeeded on a synchronous worker, whose envelope nothing else holds any more (the caller has
   * checked {@link #exclusive} and told the observers of the task first).
   */
  Envelope becomeOutput(Object out, long outId) {
    task = out;
    parentId = id;
    id = outId;
    attempt = 1;
    admitted = false;
    return this;
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
        ? new Envelope(e.task, e.id, e.parentId, e.attempt + 1, true, true)
        : new Envelope(item, 0, 0, 2, true, true);
  }

  /** The same attempt again (its worker process died before it ran), past the duplicate check. */
  static Envelope rerun(Object item) {
    return item instanceof Envelope e
        ? (e.admitted ? e : new Envelope(e.task, e.id, e.parentId, e.attempt, true, true))
        : new Envelope(item, 0, 0, 1, true, true);
  }

  @Override
  public String toString() {
    return "Envelope[" + task + ", id " + id + ", attempt " + attempt + "]";
  }
}
