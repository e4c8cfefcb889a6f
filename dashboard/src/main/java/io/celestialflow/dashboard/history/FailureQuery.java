package io.celestialflow.dashboard.history;

import io.celestialflow.TaskFailure;
import java.time.Instant;
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

  /** How much of a task's text a search looks at. */
  static final int TASK_TEXT_LIMIT = 2000;

  /**
   * Whether a recorded failure matches every criterion; the task's text (its JSON, else its {@code
   * toString}, at most 2,000 characters) is computed only for a text search.
   *
   * @param entry the failure
   * @return true if it matches
   */
  public boolean matches(FailureEntry entry) {
    TaskFailure failure = entry.failure();
    if (!matchesAllButText(failure)) {
      return false;
    }
    return text == null || matchesText(failure, taskText(entry));
  }

  /**
   * Whether a failure matches every criterion.
   *
   * @param failure the failure
   * @param taskText the task as text (JSON or {@code toString}), searched by {@link #text}
   * @return true if it matches
   */
  public boolean matches(TaskFailure failure, String taskText) {
    return matchesAllButText(failure) && (text == null || matchesText(failure, taskText));
  }

  private static String taskText(FailureEntry e) {
    String json = e.taskJson();
    String t = json != null ? json : String.valueOf(e.failure().task());
    return t.length() > TASK_TEXT_LIMIT ? t.substring(0, TASK_TEXT_LIMIT) : t;
  }

  private boolean matchesText(TaskFailure failure, String taskText) {
    String needle = java.util.Objects.requireNonNull(text);
    return contains(failure.message(), needle)
        || contains(failure.exceptionType(), needle)
        || contains(taskText, needle);
  }

  private boolean matchesAllButText(TaskFailure failure) {
    if (stage != null && !stage.equals(failure.stage())) {
      return false;
    }
    if (type != null && !isA(failure, type)) {
      return false;
    }
    if (from != null && failure.failedAt().isBefore(from)) {
      return false;
    }
    return to == null || failure.failedAt().isBefore(to);
  }

  private static boolean isA(TaskFailure failure, String type) {
    for (String name : failure.exceptionTypes()) {
      int dot = name.length() - type.length() - 1;
      if (name.equals(type) || (dot >= 0 && name.charAt(dot) == '.' && name.endsWith(type))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code haystack} contains {@code needle}, ignoring case, without allocating. */
  static boolean contains(String haystack, String needle) {
    int n = needle.length();
    if (n == 0) {
      return true;
    }
    char first = needle.charAt(0);
    char upper = Character.toUpperCase(first);
    char lower = Character.toLowerCase(first);
    for (int i = 0, last = haystack.length() - n; i <= last; i++) {
      char c = haystack.charAt(i);
      if ((c == upper || c == lower || Character.toLowerCase(c) == lower)
          && haystack.regionMatches(true, i, needle, 0, n)) {
        return true;
      }
    }
    return false;
  }
}
