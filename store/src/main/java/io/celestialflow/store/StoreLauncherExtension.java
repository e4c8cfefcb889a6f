package io.celestialflow.store;

import io.celestialflow.spi.LaunchCommand;
import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchOption;
import io.celestialflow.spi.LaunchSession;
import io.celestialflow.spi.LauncherExtension;
import java.util.List;

/**
 * The run store's options and commands for the generated runners, found with {@link
 * java.util.ServiceLoader} when {@code celestialflow-store} is on the class path:
 *
 * <ul>
 *   <li>{@code --store DIR}: record the run in the store in {@code DIR}; the commands read that
 *       store (default {@code ./celestialflow-runs});
 *   <li>{@code --lineage}: also record every task's lineage;
 *   <li>{@code --journal}: journal every task durably, so that a run killed with {@code kill -9}
 *       can be resumed;
 *   <li>{@code --results STAGE} (repeatable): record each successful task of the stage with its
 *       outputs;
 *   <li>the commands {@code runs}, {@code resume RUN_ID}, {@code retry-failed RUN_ID [--stage S]
 *       [--error TYPE]}, {@code failures RUN_ID [--by stage|error] [--json]} and {@code trace
 *       RUN_ID TASK_ID} ({@link StoreCommands});
 *   <li>the options that came before the commands, kept for scripts that use them: {@code
 *       --resume[=DIR]} (the latest run of the graph, or {@code --run RUN_ID}) and {@code
 *       --retry-failed} with {@code --retry-stage STAGE} and {@code --retry-error TYPE}.
 * </ul>
 */
public final class StoreLauncherExtension implements LauncherExtension {
  static final String STORE = "--store";
  static final String RESUME = "--resume";
  static final String RETRY = "--retry-failed";
  static final String RETRY_STAGE = "--retry-stage";
  static final String RETRY_ERROR = "--retry-error";
  static final String RUN = "--run";
  static final String LINEAGE = "--lineage";
  static final String JOURNAL = "--journal";
  static final String RESULTS = "--results";

  /** Creates the extension (ServiceLoader). */
  public StoreLauncherExtension() {}

  @Override
  public List<LaunchOption> options() {
    return List.of(
        LaunchOption.withValue(
            STORE,
            "DIR",
            "record the run in the run store in DIR; the commands read this store (default ./"
                + StoreCommands.DEFAULT_DIRECTORY
                + ")"),
        LaunchOption.flag(
            LINEAGE, "with --store, resume or retry-failed: record every task's lineage"),
        LaunchOption.flag(
            JOURNAL,
            "with --store: journal every task durably, so resume also works after kill -9"),
        LaunchOption.withValue(
            RESULTS,
            "STAGE",
            "with --store: record each successful task of STAGE with its outputs (repeatable)"),
        LaunchOption.withOptionalValue(
            RESUME, "DIR", "the resume command's older form, for the latest run in DIR or --run"),
        LaunchOption.flag(
            RETRY, "the retry-failed command's older form, for the latest run or --run"),
        LaunchOption.withValue(
            RETRY_STAGE, "STAGE", "with --retry-failed: only this stage's failures"),
        LaunchOption.withValue(
            RETRY_ERROR, "TYPE", "with --retry-failed: only failures of this exception type"),
        LaunchOption.withValue(
            RUN, "RUN_ID", "with --resume or --retry-failed: this run, not the latest"));
  }

  @Override
  public List<LaunchCommand> commands() {
    return StoreCommands.all();
  }

  @Override
  public LaunchSession open(LaunchContext context) throws Exception {
    return StoreSession.open(context);
  }
}
