package io.celestialflow.dashboard.internal;

import io.celestialflow.TaskFailure;
import io.celestialflow.dashboard.history.FailureEntry;
import io.celestialflow.dashboard.internal.Views.FailureDetail;
import io.celestialflow.dashboard.internal.Views.FailureView;
import org.jspecify.annotations.Nullable;

/** Failures as the API shows them: the task shortened for lists, in full on demand. */
final class FailureViews {
  /** How much of a task's text a list shows. */
  static final int TASK_PREVIEW = 300;

  /** How much of a task's JSON or stack trace a detail shows. */
  static final int DETAIL_LIMIT = 64 * 1024;

  private FailureViews() {}

  static FailureView view(FailureEntry e) {
    TaskFailure f = e.failure();
    return new FailureView(
        e.id(),
        f.stage(),
        f.exceptionType(),
        f.exceptionTypes(),
        f.message(),
        shorten(taskText(e), TASK_PREVIEW),
        f.attempts(),
        f.failedAt().toEpochMilli());
  }

  static FailureDetail detail(FailureEntry e, @Nullable RunControl control) {
    String json = e.taskJson();
    if (json == null && control != null) {
      json = control.taskJson(e);
    }
    return new FailureDetail(
        view(e),
        json == null ? null : shorten(json, DETAIL_LIMIT),
        shorten(e.failure().stackTrace(), DETAIL_LIMIT));
  }

  private static String taskText(FailureEntry e) {
    String json = e.taskJson();
    if (json != null) {
      return json;
    }
    try {
      return String.valueOf(e.failure().task());
    } catch (RuntimeException ex) {
      return "(task.toString() failed: " + ex + ")";
    }
  }

  static String shorten(String s, int limit) {
    return s.length() <= limit ? s : s.substring(0, limit) + "… (" + s.length() + " chars)";
  }
}
