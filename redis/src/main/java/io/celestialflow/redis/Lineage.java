package io.celestialflow.redis;

import io.celestialflow.TaskStage;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import org.jspecify.annotations.Nullable;

/**
 * Hands the engine's view of a task ({@link TaskRef}: run id, task id, parent id, attempt) to the
 * remote stage's function that sends it. The engine calls an observer's {@link #started} on the
 * thread that runs the stage's function, immediately before calling it (for an ASYNC stage, the
 * dispatcher thread), so a thread-local set there is what the function finds; the function takes it
 * and checks that it is about the same stage and the same task object.
 */
final class Lineage implements TaskObserver {
  static final Lineage INSTANCE = new Lineage();

  private static final ThreadLocal<@Nullable TaskRef> CURRENT = new ThreadLocal<>();

  private Lineage() {}

  @Override
  public boolean observes(TaskStage<?, ?> stage) {
    return RemoteStage.isRemote(stage);
  }

  @Override
  public boolean wantsTimes(TaskStage<?, ?> stage) {
    return false; // it only hands the task's identity on
  }

  @Override
  public void started(TaskRef task) {
    CURRENT.set(task);
  }

  /** The engine's view of {@code task} at {@code stage}, if an observer just announced it. */
  static @Nullable TaskRef take(String stage, Object task) {
    TaskRef ref = CURRENT.get();
    if (ref == null) {
      return null;
    }
    CURRENT.remove();
    return ref.stage().equals(stage) && ref.task() == task ? ref : null;
  }

  @Override
  public String toString() {
    return "RemoteStage.lineage()";
  }
}
