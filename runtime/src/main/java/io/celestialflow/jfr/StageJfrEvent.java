package io.celestialflow.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@value #NAME}: one stage of a run, from its start (at once in the streaming layout, in
 * its turn in the serial one) to its finish, with its final counts (a duration event). Committed
 * when the stage finishes, or when the run ends for a stage that never finished (a cancelled run;
 * then {@code finished} is false).
 */
@Name(StageJfrEvent.NAME)
@Label("Stage")
@Category({JfrEvents.CATEGORY})
@Description("A stage of a run, from its start to its finish, with its final counts")
@StackTrace(false)
public final class StageJfrEvent extends Event {
  /** The event's name in recordings. */
  public static final String NAME = "io.celestialflow.Stage";

  @Label("Run Id")
  String runId = "";

  @Label("Graph")
  String graph = "";

  @Label("Stage")
  String stage = "";

  @Label("Mode")
  @Description("The stage's execution mode")
  String mode = "";

  @Label("Received")
  long received;

  @Label("Succeeded")
  long succeeded;

  @Label("Failed")
  long failed;

  @Label("Duplicates")
  long duplicates;

  @Label("Retries")
  long retries;

  @Label("Emitted")
  @Description("Outputs sent downstream or collected")
  long emitted;

  @Label("Unfinished")
  long unfinished;

  @Label("Finished")
  @Description("False if the run ended (cancelled, failed) before the stage finished")
  boolean finished;

  StageJfrEvent() {}
}
