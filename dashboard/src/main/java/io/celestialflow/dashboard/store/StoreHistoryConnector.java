package io.celestialflow.dashboard.store;

import io.celestialflow.dashboard.history.FailureHistoryProvider;
import io.celestialflow.dashboard.history.StoreConnector;
import io.celestialflow.store.RunStore;
import java.nio.file.Path;

/**
 * Opens a run store directory for the dashboard (the launcher's {@code --store DIR} with {@code
 * --dashboard}). Declared in META-INF/services; without {@code celestialflow-store} on the class
 * path it fails to load and the lookup skips it.
 */
public final class StoreHistoryConnector implements StoreConnector {
  /**
   * Creates the connector; {@link java.util.ServiceLoader} calls this. Fails with {@link
   * NoClassDefFoundError} when the store is not on the class path.
   */
  public StoreHistoryConnector() {
    if (RunStore.class.getName().isEmpty()) {
      throw new AssertionError(); // never: the reference makes the store's absence fail here
    }
  }

  @Override
  public FailureHistoryProvider connect(Path directory) {
    return StoreHistory.owning(RunStore.open(directory));
  }
}
