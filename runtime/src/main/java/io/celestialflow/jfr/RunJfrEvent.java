package io.celestialflow.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@value #NAME}: one run of a graph, from its start to its end (a duration event: JFR's
 * start time is when the run started), with its final state and totals over all stages. Committed
 * when the run ends.
 */
@Name(RunJfrEvent.NAME)
@Label("Run")
@Category({JfrEvents.CATEGORY})
@Description("A run of a task graph, from its start to its end, with its final state and totals")
@StackTrace(false)
public final class RunJfrEvent extends Event {
  /** The event's name in recordings. */
  public static final String NAME = "io.celestialflow.Run";

  @Label("Run Id")
  String runId = "";

  @Label("Graph")
  String graph = "";

  @Label("Layout")
  String layout = "";

  @Label("State")
  @Description("COMPLETED, CANCELLED or FAILED")
  String state = "";

  @Label("Stages")
  int stages;

  @Label("Received")
  @Description("Tasks received, summed over the stages")
  long received;

  @Label("Succeeded")
  long succeeded;

  @Label("Failed")
  @Description("Tasks that failed for good, summed over the stages")
  long failed;

  @Label("Duplicates")
  long duplicates;

  @Label("Retries")
  long retries;

  @Label("Unfinished")
  @Description("Tasks a cancelled run left unprocessed")
  long unfinished;

  RunJfrEvent() {}
}
