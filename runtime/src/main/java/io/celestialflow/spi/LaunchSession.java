package io.celestialflow.spi;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.RunBuilder;
import java.util.OptionalInt;

/**
 * What a {@link LauncherExtension} does during one launch, in order: {@link #takeOver()} (a session
 * may run something else than the graph, such as a remote worker serving one of its stages), else
 * {@link #configure} before the run starts, {@link #started} once it runs, {@link #finished} after
 * it ended, and {@link #close()} last, always.
 */
public interface LaunchSession extends AutoCloseable {
  /**
   * Runs instead of the graph, if this session's options ask for it.
   *
   * @return the exit status of the launch, or empty to run the graph as usual
   * @throws Exception if it fails (reported as an error, exit status 1)
   */
  default OptionalInt takeOver() throws Exception {
    return OptionalInt.empty();
  }

  /**
   * Before the run starts: add listeners, observers, inputs.
   *
   * @param run the run being configured
   */
  default void configure(RunBuilder run) {}

  /**
   * The run has started.
   *
   * @param run the run
   */
  default void started(GraphRun run) {}

  /**
   * The run has ended; the launcher returns after this returns (a dashboard kept up may wait here
   * until interrupted).
   *
   * @param result the result
   */
  default void finished(GraphResult result) {}

  /** The launch is over: release what the session holds. Never throws. */
  @Override
  default void close() {}
}
