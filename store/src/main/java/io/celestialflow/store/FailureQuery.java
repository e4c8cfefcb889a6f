package io.celestialflow.store;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A filter and page over a run's failures, newest first. Immutable; start from {@link #all()} and
 * narrow it. Every criterion is optional; those given must all match.
 *
 * <pre>{@code
 * FailurePage page = store.failures(runId, FailureQuery.all()
 *     .stage("fetch")
 *     .type("java.io.IOException")       // also matches its subclasses
 *     .text("timed out")                 // in the message or the task, case-insensitive (ASCII)
 *     .limit(50));
 * FailurePage next = store.failures(runId, query.before(page.nextCursor()));
 * }</pre>
 *
 * @param stage only failures of this stage, or null for every stage
 * @param type only failures whose exception is of this class or a subclass (fully qualified name),
 *     or null
 * @param text only failures whose message or task contains this text, or null
 * @param from only failures at or after this time, or null
 * @param to only failures before this time, or null
 * @param before only failures with an id below this cursor (keyset paging; 0 for the newest)
 * @param offset failures to skip (page numbers: {@code page * limit}); prefer {@code before} for
 *     deep pages
 * @param limit the page size, 1 to 10,000 (default 50)
 */
public record FailureQuery(
    @Nullable String stage,
    @Nullable String type,
    @Nullable String text,
    @Nullable Instant from,
    @Nullable Instant to,
    long before,
    int offset,
    int limit) {
  /** The largest page. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * Checks the fields.
   *
   * @param stage the stage or null
   * @param type the type or null
   * @param text the text or null
   * @param from the start or null
   * @param to the end or null
   * @param before the cursor, 0 for none
   * @param offset the offset
   * @param limit the page size
   */
  public FailureQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
    if (offset < 0 || before < 0) {
      throw new IllegalArgumentException("offset and before must not be negative");
    }
  }

  /**
   * Every failure, newest first, 50 a page.
   *
   * @return the query
   */
  public static FailureQuery all() {
    return new FailureQuery(null, null, null, null, null, 0, 0, 50);
  }

  /**
   * Only one stage's failures.
   *
   * @param name the stage name
   * @return the narrowed query
   */
  public FailureQuery stage(String name) {
    return new FailureQuery(
        Objects.requireNonNull(name, "name"), type, text, from, to, before, offset, limit);
  }

  /**
   * Only failures with an exception of this type or a subclass.
   *
   * @param className the fully qualified class name, e.g. {@code java.io.IOException}
   * @return the narrowed query
   */
  public FailureQuery type(String className) {
    return new FailureQuery(
        stage,
        Objects.requireNonNull(className, "className"),
        text,
        from,
        to,
        before,
        offset,
        limit);
  }

  /**
   * Only failures of this exception type or a subclass.
   *
   * @param exceptionType the type
   * @return the narrowed query
   */
  public FailureQuery type(Class<? extends Throwable> exceptionType) {
    return type(exceptionType.getName());
  }

  /**
   * Only failures whose message or task contains the text (case-insensitive for ASCII letters).
   *
   * @param contained the text
   * @return the narrowed query
   */
  public FailureQuery text(String contained) {
    return new FailureQuery(
        stage,
        type,
        Objects.requireNonNull(contained, "contained"),
        from,
        to,
        before,
        offset,
        limit);
  }

  /**
   * Only failures in a time window.
   *
   * @param start at or after, or null for no lower bound
   * @param end before, or null for no upper bound
   * @return the narrowed query
   */
  public FailureQuery between(@Nullable Instant start, @Nullable Instant end) {
    return new FailureQuery(stage, type, text, start, end, before, offset, limit);
  }

  /**
   * The page after one already read: failures older than its last.
   *
   * @param cursor {@link FailurePage#nextCursor()} of the previous page
   * @return the query for the next page
   */
  public FailureQuery before(long cursor) {
    return new FailureQuery(stage, type, text, from, to, cursor, offset, limit);
  }

  /**
   * Skips failures, for numbered pages.
   *
   * @param skip how many to skip
   * @return the query
   */
  public FailureQuery offset(int skip) {
    return new FailureQuery(stage, type, text, from, to, before, skip, limit);
  }

  /**
   * Sets the page size.
   *
   * @param size 1 to {@value #MAX_LIMIT}
   * @return the query
   */
  public FailureQuery limit(int size) {
    return new FailureQuery(stage, type, text, from, to, before, offset, size);
  }
}
