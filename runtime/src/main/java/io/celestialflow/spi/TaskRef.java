package io.celestialflow.spi;

/**
 * One task as a {@link TaskObserver} sees it: where it is, what it is, and — when the run tracks
 * task identity ({@link io.celestialflow.RunBuilder#trackLineage()}) — which task it is and which
 * task produced it.
 *
 * <p>Task ids are unique within a run and start at 1. An input task has no parent ({@code
 * parentId() == 0}); every output of a task becomes a task with a new id whose parent is that task
 * (an output sent along several edges is one task id seen by several stages); a retried task keeps
 * its id and counts its {@linkplain #attempt() attempts}. Without lineage tracking both ids are 0.
 *
 * @param runId the run id
 * @param stage the stage name
 * @param task the task itself
 * @param id the task id, or 0 when the run does not track identity
 * @param parentId the id of the task whose output this task is, or 0 (an input, or no tracking)
 * @param attempt the attempt, starting at 1
 */
public record TaskRef(
    String runId, String stage, Object task, long id, long parentId, int attempt) {}
