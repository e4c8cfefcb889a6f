package io.celestialflow.store;

import java.util.List;

/**
 * One page of failures, newest first.
 *
 * @param failures the failures on this page
 * @param hasMore whether more failures match after this page
 * @param nextCursor pass to {@link FailureQuery#before(long)} for the next page (the last id here;
 *     0 when the page is empty)
 */
public record FailurePage(List<FailureRecord> failures, boolean hasMore, long nextCursor) {
  /**
   * Copies the list.
   *
   * @param failures the failures
   * @param hasMore whether more match
   * @param nextCursor the cursor
   */
  public FailurePage {
    failures = List.copyOf(failures);
  }
}
