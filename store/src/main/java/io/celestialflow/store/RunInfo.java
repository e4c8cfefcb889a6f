package io.celestialflow.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A run as the store recorded it.
 *
 * @param id the run id
 * @param graph the graph's name
 * @param structure the graph's topology as JSON ({@link io.celestialflow.structure.Topology})
 * @param origin the run this one resumed or retried, or null for a fresh run
 * @param originKind {@code run}, {@code resume} or {@code retry}
 * @param startedAt when it started
 * @param endedAt when it ended, or null while it runs (or if its process died before the end)
 * @param state {@code RUNNING}, {@code COMPLETED} or {@code CANCELLED} ({@code RUNNING} is also
 *     what a run whose process died keeps)
 * @param failures how many tasks failed for good
 * @param unfinished how many tasks it left unfinished (resumable)
 * @param dropped how many of its records the store dropped (queue full under {@link
 *     StoreOptions.Overflow#DROP}); 0 when its record is complete
 * @param note why it stopped, if an error or interrupt stopped it
 * @param stages every stage's final counters, in stage order (empty until it ended)
 * @param inputs how far it read each input, in the order they were given (empty until it ended)
 */
public record RunInfo(
    String id,
    String graph,
    String structure,
    @Nullable String origin,
    String originKind,
    Instant startedAt,
    @Nullable Instant endedAt,
    String state,
    long failures,
    long unfinished,
    long dropped,
    @Nullable String note,
    List<StageCounts> stages,
    List<InputPosition> inputs) {

  /**
   * Checks the fields and copies the lists.
   *
   * @param id the run id
   * @param graph the graph's name
   * @param structure the topology JSON
   * @param origin the resumed run, or null
   * @param originKind how it started
   * @param startedAt start
   * @param endedAt end, or null
   * @param state state
   * @param failures failures
   * @param unfinished unfinished tasks
   * @param dropped dropped records
   * @param note note, or null
   * @param stages final counters
   * @param inputs input positions
   */
  public RunInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(graph, "graph");
    stages = List.copyOf(stages);
    inputs = List.copyOf(inputs);
  }

  /**
   * Whether the run has ended (completed or cancelled).
   *
   * @return true once it has an end
   */
  public boolean ended() {
    return endedAt != null;
  }

  /**
   * The run this one resumed or retried.
   *
   * @return its id, empty for a fresh run
   */
  public Optional<String> originRun() {
    return Optional.ofNullable(origin);
  }

  /**
   * A stage's final counters.
   *
   * @param stage the stage name, e.g. {@code "parse"}
   * @param mode its execution mode
   * @param received tasks that arrived
   * @param succeeded tasks that succeeded
   * @param failed tasks that failed for good
   * @param duplicates tasks skipped as duplicates
   * @param retries retry attempts
   * @param unfinished tasks left unfinished
   * @param emitted outputs sent on
   * @param elapsedMillis how long the stage ran
   */
  public record StageCounts(
      String stage,
      String mode,
      long received,
      long succeeded,
      long failed,
      long duplicates,
      long retries,
      long unfinished,
      long emitted,
      long elapsedMillis) {}

  /**
   * How far a run read one of its inputs, counted from the start of the original source (a resumed
   * run's position includes what the runs before it read).
   *
   * @param source the input's position among the run's inputs, from 0
   * @param stage the stage it feeds
   * @param position elements of the source read so far, in this run and the ones it resumed
   * @param exhausted whether the source was read to its end
   * @param failed whether reading it threw
   */
  public record InputPosition(
      int source, String stage, long position, boolean exhausted, boolean failed) {}
}
