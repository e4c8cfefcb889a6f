package io.celestialflow;

import java.util.Objects;

/**
 * How far a run read one of its input sources: what a later run needs to resume exactly where a
 * cancelled one stopped. Listed by {@link GraphResult#inputs()} in the order the inputs were added
 * to the {@link RunBuilder}.
 *
 * <p>Every element taken from the source was handed to the stage (it then appears in the stage's
 * counters, and in {@link GraphResult#unfinished(String)} if the run did not finish it), except
 * null elements, which are skipped and reported as {@link InputFailure}s. So to resume, feed the
 * unfinished tasks and the source's elements from position {@code read} on.
 *
 * @param stage the stage the source feeds
 * @param source the source's position among the run's inputs, from 0
 * @param read how many elements were taken from the source
 * @param exhausted whether the source was read to its end
 * @param failed whether reading the source threw (see {@link GraphResult#inputFailures()})
 */
public record InputProgress(
    String stage, int source, long read, boolean exhausted, boolean failed) {
  /**
   * Checks the fields.
   *
   * @param stage the stage
   * @param source the source's position
   * @param read elements taken
   * @param exhausted read to the end
   * @param failed reading threw
   */
  public InputProgress {
    Objects.requireNonNull(stage, "stage");
    if (source < 0 || read < 0) {
      throw new IllegalArgumentException("negative source index or count");
    }
  }
}
