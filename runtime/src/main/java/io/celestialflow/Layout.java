package io.celestialflow;

/**
 * How the stages of a graph are scheduled relative to each other (the original's {@code
 * stage_mode}).
 */
public enum Layout {
  /**
   * All stages run at once and tasks stream between them through bounded inboxes (the original's
   * {@code process} layout). Works for every graph shape, cycles included, in bounded memory.
   */
  STREAMING,
  /**
   * One stage at a time, in topological order: a stage starts once every stage upstream of it has
   * finished; downstream stages queue what they receive until their turn. Only for acyclic graphs;
   * inboxes are unbounded because a stage's whole output waits for the next one.
   */
  SERIAL
}
