package io.celestialflow.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@value #NAME}: an attempt of a task failed. {@code willRetry} is true when the stage's
 * retry policy tries the task again (a {@link TaskRetryJfrEvent} follows with the delay), false for
 * a failure for good — one event per {@link io.celestialflow.TaskFailure}.
 */
@Name(TaskFailureJfrEvent.NAME)
@Label("Task Failure")
@Category({JfrEvents.CATEGORY, "Tasks"})
@Description("An attempt of a task failed, for good or to be retried")
@StackTrace(false)
public final class TaskFailureJfrEvent extends Event {
  /** The event's name in recordings. */
  public static final String NAME = "io.celestialflow.TaskFailure";

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
  @Description("The class name of the exception (the original's, for a worker process's)")
  String exceptionType = "";

  @Label("Message")
  String message = "";

  @Label("Attempt")
  @Description("The attempt that failed, from 1")
  int attempt;

  @Label("Will Retry")
  boolean willRetry;

  TaskFailureJfrEvent() {}
}
