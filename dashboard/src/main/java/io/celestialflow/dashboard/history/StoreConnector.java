package io.celestialflow.dashboard.history;

import java.nio.file.Path;

/**
 * Connects the dashboard to a run store directory, for the launcher's {@code --store DIR} with
 * {@code --dashboard}. Found with {@link java.util.ServiceLoader}; the dashboard's own
 * implementation is declared in its jar and loads only when {@code celestialflow-store} is on the
 * class path (the lookup ignores it otherwise).
 */
public interface StoreConnector {
  /**
   * Opens the run store in a directory for reading.
   *
   * @param directory the store directory
   * @return the histories of the runs recorded there; closing it closes the store
   * @throws RuntimeException if the store cannot be opened
   */
  FailureHistoryProvider connect(Path directory);
}
