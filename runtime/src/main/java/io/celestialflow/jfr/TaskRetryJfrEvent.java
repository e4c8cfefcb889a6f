package io.celestialflow.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@value #NAME}: a task's attempt failed with a retryable exception and the next attempt
 * was scheduled after {@code delay} (the backoff with its jitter).
 */
@Name(TaskRetryJfrEvent.NAME)
@Label("Task Retry")
@Category({JfrEvents.CATEGORY, "Tasks"})
@Description("A retry of a task was scheduled after a failed attempt")
@StackTrace(false)
public final class TaskRetryJfrEvent extends Event {
  /** The event's name in recordings. */
  public static final String NAME = "io.celestialflow.TaskRetry";

  @Label("Run Id")
  String runId = "";

  @Label("Graph")
  String graph = "";

  @Label("Stage")
  String stage = "";

  @Label("Task Id")
  @Description("The task's id when the run tracks lineage, else 0")
  long taskId;

  @Label("Exception Type")
  String exceptionType = "";

  @Label("Failed Attempt")
  @Description("The attempt that failed, from 1; the retry is attempt + 1")
  int attempt;

  @Label("Delay")
  @Timespan(Timespan.NANOSECONDS)
  long delay;

  TaskRetryJfrEvent() {}
}
