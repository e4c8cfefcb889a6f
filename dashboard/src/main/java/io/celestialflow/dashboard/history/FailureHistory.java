package io.celestialflow.dashboard.history;

import io.celestialflow.TaskFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A run's failures as the dashboard reads them: counts, search, one failure with its stack trace.
 * The dashboard {@linkplain #record records} every failure it hears of; an implementation backed by
 * a run store may ignore that (the store records failures itself) and answer from the store.
 *
 * <p>Implementations are thread-safe: failures are recorded on engine threads while searches run on
 * the server's worker threads. {@link #record} must be quick and must not block.
 */
public interface FailureHistory extends AutoCloseable {
  /**
   * A bounded history in memory: it keeps the most recent {@code capacity} failures for search and
   * counts every one.
   *
   * @param capacity how many failures to keep, at least 1
   * @return the history
   */
  static FailureHistory inMemory(int capacity) {
    return new MemoryFailureHistory(capacity);
  }

  /**
   * Records one failure.
   *
   * @param failure the failure
   * @param taskJson the task as JSON when it is known as such, else null
   */
  void record(TaskFailure failure, @Nullable String taskJson);

  /**
   * How many failures were recorded.
   *
   * @return the count
   */
  long count();

  /**
   * How many failures there were per exception type (the most specific type), largest first; at
   * most {@code limit} types, the rest summed under {@code "(other)"}.
   *
   * @param limit the most types to list
   * @return counts by type
   */
  Map<String, Long> countsByType(int limit);

  /**
   * How many failures there were per stage.
   *
   * @return counts by stage name
   */
  Map<String, Long> countsByStage();

  /**
   * Searches the failures.
   *
   * @param query the criteria and page
   * @return the page
   */
  FailurePage search(FailureQuery query);

  /**
   * One failure by its number.
   *
   * @param id the failure's number
   * @return the failure, if it is still kept
   */
  Optional<FailureEntry> find(long id);

  /**
   * The failures recorded after a given one, oldest first.
   *
   * @param afterId the last failure number already seen (0 for none)
   * @param max the most failures to return
   * @return the failures
   */
  List<FailureEntry> after(long afterId, int max);

  /**
   * The newest failures, oldest of them first, for live updates.
   *
   * @param max the most failures to return
   * @return the failures
   */
  default List<FailureEntry> newest(int max) {
    return after(Math.max(0, count() - max), max);
  }

  /** Releases what the history holds. */
  @Override
  default void close() {}
}
