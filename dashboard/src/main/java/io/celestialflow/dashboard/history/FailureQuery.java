package io.celestialflow.dashboard.history;

import io.celestialflow.TaskFailure;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A search over a run's failures: every criterion given must match; results come newest first, one
 * page at a time.
 *
 * @param stage only failures of this stage (exact name), or null for all
 * @param type only failures whose exception is of this type: its class or any superclass, by fully
 *     qualified or simple name ({@code IOException} finds a {@code FileNotFoundException}); null
 *     for all
 * @param text only failures whose message, exception type or task text contains this text, ignoring
 *     case; null for all
 * @param from only failures at or after this time, or null
 * @param to only failures before this time, or null
 * @param page the page, from 1
 * @param size how many failures per page, 1 to {@value #MAX_PAGE_SIZE}
 */
public record FailureQuery(
    @Nullable String stage,
    @Nullable String type,
    @Nullable String text,
    @Nullable Instant from,
    @Nullable Instant to,
    int page,
    int size) {

  /** The largest page size a query may ask for. */
  public static final int MAX_PAGE_SIZE = 500;

  /** The page size when none is asked for. */
  public static final int DEFAULT_PAGE_SIZE = 50;

  /**
   * Checks the page and normalises blank criteria to null.
   *
   * @param stage the stage, or null
   * @param type the exception type, or null
   * @param text the text, or null
   * @param from the earliest time, or null
   * @param to the latest time (exclusive), or null
   * @param page the page, from 1
   * @param size the page size
   */
  public FailureQuery {
    stage = blankToNull(stage);
    type = blankToNull(type);
    text = blankToNull(text);
    if (page < 1) {
      throw new IllegalArgumentException("page numbers start at 1, was " + page);
    }
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "page size must be between 1 and " + MAX_PAGE_SIZE + ", was " + size);
    }
  }

  /**
   * Every failure, first page, default size.
   *
   * @return the query
   */
  public static FailureQuery all() {
    return new FailureQuery(null, null, null, null, null, 1, DEFAULT_PAGE_SIZE);
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /**
   * Whether a failure matches every criterion.
   *
   * @param failure the failure
   * @param taskText the task as text (JSON or {@code toString}), searched by {@link #text}
   * @return true if it matches
   */
  public boolean matches(TaskFailure failure, String taskText) {
    if (stage != null && !stage.equals(failure.stage())) {
      return false;
    }
    if (type != null && !isA(failure, type)) {
      return false;
    }
    if (from != null && failure.failedAt().isBefore(from)) {
      return false;
    }
    if (to != null && !failure.failedAt().isBefore(to)) {
      return false;
    }
    if (text != null) {
      String needle = text.toLowerCase(Locale.ROOT);
      return contains(failure.message(), needle)
          || contains(failure.exceptionType(), needle)
          || contains(taskText, needle);
    }
    return true;
  }

  private static boolean isA(TaskFailure failure, String type) {
    for (String name : failure.exceptionTypes()) {
      if (name.equals(type) || name.substring(name.lastIndexOf('.') + 1).equals(type)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(String haystack, String lowerNeedle) {
    return haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
  }
}
