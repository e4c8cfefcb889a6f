package io.celestialflow.dashboard.history;

import java.util.List;

/**
 * One page of a failure search.
 *
 * @param items the failures on this page, newest first
 * @param matched how many failures matched the query (among those searchable)
 * @param total how many failures the run has had in all
 * @param searchable how many of them the history can still search (all, with a run store; the most
 *     recent ones, in memory)
 * @param page the page number, from 1
 * @param size the page size asked for
 */
public record FailurePage(
    List<FailureEntry> items, long matched, long total, long searchable, int page, int size) {
  /**
   * Copies the list.
   *
   * @param items the failures
   * @param matched how many matched
   * @param total how many failures in all
   * @param searchable how many can be searched
   * @param page the page number
   * @param size the page size
   */
  public FailurePage {
    items = List.copyOf(items);
  }
}
