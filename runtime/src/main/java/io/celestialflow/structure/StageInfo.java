package io.celestialflow.structure;

import io.celestialflow.Execution;
import io.celestialflow.ExecutionMode;
import io.celestialflow.GraphDefinitionException;
import io.celestialflow.StageKind;
import io.celestialflow.TaskStage;
import java.util.Objects;

/**
 * What {@link GraphAnalysis} knows about one stage besides its name: what it emits per task and how
 * it runs. Taken from a {@link TaskStage} with {@link #of(TaskStage)}, or written out by code that
 * has no stage object (an annotation processor knows all of it from the annotations).
 *
 * @param name the stage name, unique in its graph
 * @param kind what the stage emits per task
 * @param mode how it runs its tasks
 * @param workers its worker limit, at least 1
 * @param virtualThreads whether a {@link ExecutionMode#THREAD} stage runs tasks on virtual threads
 */
public record StageInfo(
    String name, StageKind kind, ExecutionMode mode, int workers, boolean virtualThreads) {

  /**
   * Validates the description.
   *
   * @param name the stage name
   * @param kind what the stage emits per task
   * @param mode how it runs its tasks
   * @param workers its worker limit, at least 1
   * @param virtualThreads whether it uses virtual threads
   */
  public StageInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(mode, "mode");
    if (workers < 1) {
      throw new GraphDefinitionException(
          "stage '" + name + "': workers must be at least 1, was " + workers);
    }
  }

  /**
   * Describes a stage.
   *
   * @param stage the stage
   * @return its description
   */
  public static StageInfo of(TaskStage<?, ?> stage) {
    return new StageInfo(
        stage.name(),
        stage.kind(),
        stage.mode(),
        stage.workers(),
        stage.execution() instanceof Execution.VirtualThreads);
  }

  /**
   * How the stage runs, in the words of {@link TaskStage#describe()}: {@code SERIAL}, {@code THREAD
   * x4}, {@code VIRTUAL THREADS x200}, {@code ASYNC x64}.
   *
   * @return the execution, as text
   */
  public String execution() {
    if (mode == ExecutionMode.SERIAL) {
      return "SERIAL";
    }
    String label = virtualThreads ? "VIRTUAL THREADS" : mode.name();
    return label + " x" + workers;
  }
}
