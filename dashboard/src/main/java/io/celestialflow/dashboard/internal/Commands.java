package io.celestialflow.dashboard.internal;

import io.celestialflow.GraphRun;
import io.celestialflow.dashboard.internal.Report.Ack;
import io.celestialflow.dashboard.internal.Report.Command;
import java.util.List;

/**
 * Carries out, in the run's own JVM, the commands a standalone dashboard sent for it: the tasks of
 * an injection are checked against the stage's type here, where the type is known.
 */
public final class Commands {
  private final LocalControl control;

  /**
   * Commands for one run.
   *
   * @param run the run
   */
  public Commands(GraphRun run) {
    this.control = new LocalControl(run);
  }

  /**
   * Carries out one command.
   *
   * @param command the command
   * @return its outcome
   */
  public Ack apply(Command command) {
    try {
      String message =
          switch (command.op()) {
            case "inject" -> {
              String stage = command.stage();
              List<com.google.gson.JsonElement> tasks = command.tasks();
              if (stage == null || tasks == null) {
                throw ApiException.badRequest("inject needs a stage and tasks");
              }
              yield control.inject(stage, tasks);
            }
            case "closeInputs" -> control.closeInputs(command.stage());
            case "cancel" -> control.cancel();
            default -> throw ApiException.badRequest("unknown command " + command.op());
          };
      return new Ack(command.id(), true, message);
    } catch (ApiException e) {
      return new Ack(command.id(), false, String.valueOf(e.getMessage()));
    } catch (RuntimeException e) {
      return new Ack(command.id(), false, e.toString());
    }
  }
}
