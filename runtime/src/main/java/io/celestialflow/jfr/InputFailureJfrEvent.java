package io.celestialflow.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@value #NAME}: an input source threw while it was read, or gave a null task (which was
 * skipped); see {@link io.celestialflow.InputFailure}.
 */
@Name(InputFailureJfrEvent.NAME)
@Label("Input Failure")
@Category({JfrEvents.CATEGORY})
@Description("An input source threw while it was read, or gave a null task")
@StackTrace(false)
public final class InputFailureJfrEvent extends Event {
  /** The event's name in recordings. */
  public static final String NAME = "io.celestialflow.InputFailure";

  @Label("Run Id")
  String runId = "";

  @Label("Graph")
  String graph = "";

  @Label("Stage")
  @Description("The stage the source feeds")
  String stage = "";

  @Label("Exception Type")
  String exceptionType = "";

  @Label("Message")
  String message = "";

  @Label("Tasks Read")
  @Description("Tasks read from the source before it failed")
  long tasksRead;

  InputFailureJfrEvent() {}
}
