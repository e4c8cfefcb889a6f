package io.celestialflow.store.bench;

import java.util.Arrays;

/** The median the store benches report of their rounds. */
final class Median {
  private Median() {}

  /** The middle value of {@code values} (of an even number, the upper of the two middle ones). */
  static double of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
