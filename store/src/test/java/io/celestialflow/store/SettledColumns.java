package io.celestialflow.store;

import io.celestialflow.spi.SettledTasks;
import io.celestialflow.spi.TaskOutcome;

/**
 * Settled attempts of one stage in columns, as the engine hands them to the recorder: a batch for
 * the lineage tests to append.
 *
 * @param stage the stage
 * @param ids each attempt's task id (0: the run tracks no identity)
 * @param parents each attempt's parent id
 * @param attempts each attempt's number, from 1
 * @param outcomes each attempt's outcome
 */
record SettledColumns(
    String stage, long[] ids, long[] parents, int[] attempts, TaskOutcome[] outcomes)
    implements SettledTasks {
  @Override
  public String runId() {
    return "r";
  }

  @Override
  public int size() {
    return ids.length;
  }

  @Override
  public long id(int i) {
    return ids[i];
  }

  @Override
  public long parentId(int i) {
    return parents[i];
  }

  @Override
  public int attempt(int i) {
    return attempts[i];
  }

  @Override
  public TaskOutcome outcome(int i) {
    return outcomes[i];
  }
}
