package io.celestialflow.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a recorded run's work came from: a fresh run, or a resumed or retried one. A resumed run's
 * first {@code userSources} inputs are the original run's sources with the part already read
 * skipped ({@code inputStarts}: how many elements of each were skipped); the inputs after them are
 * the stored tasks the resumption loaded, one list per stage ({@code loaded}), whose unread tails
 * are carried over as unfinished if this run is cancelled too.
 *
 * @param runId the run this one continues, or null for a fresh run
 * @param kind {@code run}, {@code resume} or {@code retry}
 * @param userSources how many inputs the caller gave (the rest were loaded from the store); -1 when
 *     every input is the caller's
 * @param inputStarts elements skipped at the start of each of the caller's inputs
 * @param loaded the stored tasks fed to the run after the caller's inputs, one list per source
 */
record Origin(
    @Nullable String runId,
    String kind,
    int userSources,
    List<Long> inputStarts,
    List<List<StoredTask>> loaded) {
  static final Origin FRESH = new Origin(null, "run", -1, List.of(), List.of());

  Origin {
    inputStarts = List.copyOf(inputStarts);
    loaded = List.copyOf(loaded);
  }

  /** Elements of the caller's input {@code source} skipped before this run read it. */
  long start(int source) {
    return source < inputStarts.size() ? inputStarts.get(source) : 0;
  }

  /** Whether input {@code source} is one of the caller's (not loaded from the store). */
  boolean isUserSource(int source) {
    return userSources < 0 || source < userSources;
  }
}
