package io.celestialflow.internal;

/**
 * Internal, for execution backends: runs {@link io.celestialflow.ExecutionMode#PROCESS} stages. The
 * engine finds its one implementation with {@link java.util.ServiceLoader} (declared in the
 * runtime's {@code module-info} and {@code META-INF/services}), so that the engine's package never
 * depends on the package that implements it. Not API.
 */
public interface ProcessBackend {
  /**
   * Checks a PROCESS stage's settings when the stage is built — the class its workers create, its
   * exact types, its codecs — so that a stage whose values cannot cross a process boundary fails
   * then, not on its first task.
   *
   * @param settings what the stage's builder collected
   * @return what the stage's runs need; the engine keeps it with the stage and hands it back to
   *     {@link #driver}
   * @throws io.celestialflow.GraphDefinitionException naming the stage and the reason, if the
   *     settings cannot work
   */
  ProcessPlan plan(ProcessSettings settings);

  /**
   * Creates the driver of one PROCESS stage for one run.
   *
   * @param plan what {@link #plan} returned for the stage
   * @param stage the stage during this run
   * @param workers how many worker processes to keep
   * @param threadPrefix the prefix of the names of the driver's threads
   * @return the driver, not yet started
   */
  BackendDriver driver(ProcessPlan plan, StagePort stage, int workers, String threadPrefix);
}
