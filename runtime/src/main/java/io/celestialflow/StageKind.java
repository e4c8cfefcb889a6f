package io.celestialflow;

/** What a stage emits for each task it processes. */
public enum StageKind {
  /** Exactly one output per task, sent to every downstream stage. */
  MAP,
  /**
   * Zero or more outputs per task (the original's {@code TaskSplitter}); each becomes a task of
   * every downstream stage.
   */
  SPLITTER,
  /**
   * One output per task, sent only to the downstream stage(s) the function names through {@link
   * Routed} (the original's {@code TaskRouter}).
   */
  ROUTER,
  /** No output: the stage is a sink and may not have downstream stages. */
  CONSUMER
}
