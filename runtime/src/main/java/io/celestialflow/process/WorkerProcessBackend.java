package io.celestialflow.process;

import io.celestialflow.internal.BackendDriver;
import io.celestialflow.internal.ProcessBackend;
import io.celestialflow.internal.ProcessPlan;
import io.celestialflow.internal.ProcessSettings;
import io.celestialflow.internal.StagePort;

/**
 * Internal: the {@link ProcessBackend} the engine finds with {@link java.util.ServiceLoader} —
 * stages in worker JVMs ({@link ProcessDriver}). Public only so that the service loader can create
 * it; not API.
 */
public final class WorkerProcessBackend implements ProcessBackend {
  /** Called by the service loader. */
  public WorkerProcessBackend() {}

  @Override
  public ProcessPlan plan(ProcessSettings settings) {
    return ProcessSpec.of(settings);
  }

  @Override
  public BackendDriver driver(ProcessPlan plan, StagePort stage, int workers, String threadPrefix) {
    if (!(plan instanceof ProcessSpec spec)) {
      throw new IllegalArgumentException(
          "stage '" + stage.name() + "': not a plan of this backend: " + plan);
    }
    return new ProcessDriver(spec, stage, workers, threadPrefix);
  }
}
