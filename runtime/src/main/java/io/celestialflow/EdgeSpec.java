package io.celestialflow;

import java.util.Objects;

/**
 * A directed edge of a graph: every output of {@code from} (or, for a router, every output it
 * routes to {@code to}) becomes a task of {@code to}.
 *
 * @param from the upstream stage name
 * @param to the downstream stage name
 */
public record EdgeSpec(String from, String to) {
  /**
   * Validates the edge.
   *
   * @param from the upstream stage name
   * @param to the downstream stage name
   */
  public EdgeSpec {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }

  @Override
  public String toString() {
    return from + " -> " + to;
  }
}
