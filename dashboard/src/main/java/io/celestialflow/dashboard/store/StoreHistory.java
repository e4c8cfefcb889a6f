package io.celestialflow.dashboard.store;

import io.celestialflow.dashboard.history.FailureHistory;
import io.celestialflow.dashboard.history.FailureHistoryProvider;
import io.celestialflow.dashboard.history.StatsHistory;
import io.celestialflow.store.RunStore;
import java.util.Objects;
import java.util.Optional;

/**
 * The histories of the runs a {@link RunStore} records, for the dashboard:
 *
 * <pre>{@code
 * try (RunStore store = RunStore.open(Path.of("runs"));
 *     Dashboard dashboard = Dashboard.builder().history(StoreHistory.of(store)).start()) {
 *   dashboard.attach(store.newRun(graph).input(fetch, urls)).run();
 * }
 * }</pre>
 *
 * <p>A run's error log then comes from the store: search by stage, type, text and time and paging
 * run as SQL there, stack traces and tasks are read from it, counts are exact, and retry decodes
 * the stored task with the stage's codec. Its charts come from the store's stats snapshots once
 * there are two. Until the store has committed the run (its writer is asynchronous), and for runs
 * it does not record, the dashboard answers from a bounded history in memory.
 */
public final class StoreHistory implements FailureHistoryProvider {
  /** Failures kept in memory per run while the store does not know the run (yet). */
  static final int MEMORY = 2_000;

  private final RunStore store;
  private final boolean owned;

  private StoreHistory(RunStore store, boolean owned) {
    this.store = Objects.requireNonNull(store, "store");
    this.owned = owned;
  }

  /**
   * The histories of the runs recorded in a store; closing this leaves the store open.
   *
   * @param store the store
   * @return the provider, for {@link io.celestialflow.dashboard.Dashboard.Builder#history}
   */
  public static StoreHistory of(RunStore store) {
    return new StoreHistory(store, false);
  }

  /** The histories of a store this provider opened itself, and closes. */
  static StoreHistory owning(RunStore store) {
    return new StoreHistory(store, true);
  }

  @Override
  public Optional<FailureHistory> open(String runId, String graph) {
    return Optional.of(new StoreFailureHistory(store, runId, FailureHistory.inMemory(MEMORY)));
  }

  @Override
  public Optional<StatsHistory> stats(String runId) {
    return Optional.of(new StoreStats(store, runId));
  }

  @Override
  public void close() {
    if (owned) {
      store.close();
    }
  }

  @Override
  public String toString() {
    return "StoreHistory[" + store.file() + "]";
  }
}
