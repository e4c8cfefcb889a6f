package io.celestialflow.store;

import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchOption;
import io.celestialflow.spi.LaunchSession;
import io.celestialflow.spi.LauncherExtension;
import java.util.List;

/**
 * The run store's options for the generated runners, found with {@link java.util.ServiceLoader}
 * when {@code celestialflow-store} is on the class path:
 *
 * <ul>
 *   <li>{@code --store DIR}: record the run in the store in {@code DIR};
 *   <li>{@code --resume[=DIR]}: resume the latest run of the graph in {@code DIR} (or in the {@code
 *       --store} directory): its unfinished tasks and the unread rest of its inputs (give the same
 *       {@code --input} options again);
 *   <li>{@code --retry-failed}: run the failed tasks of that run again, optionally only those of
 *       {@code --retry-stage STAGE} or of exception type {@code --retry-error TYPE};
 *   <li>{@code --run RUN_ID}: which run to resume or retry (default: the latest of the graph);
 *   <li>{@code --lineage}: also record every task's lineage.
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

  /** Creates the extension (ServiceLoader). */
  public StoreLauncherExtension() {}

  @Override
  public List<LaunchOption> options() {
    return List.of(
        LaunchOption.withValue(STORE, "DIR", "record the run in the run store in DIR"),
        LaunchOption.withOptionalValue(
            RESUME,
            "DIR",
            "resume the latest run in DIR (or --store DIR): its unfinished tasks and the unread"
                + " rest of the same --input"),
        LaunchOption.flag(
            RETRY, "run the failed tasks of the latest run in the store (or --run) again"),
        LaunchOption.withValue(RETRY_STAGE, "STAGE", "with --retry-failed: only this stage's"),
        LaunchOption.withValue(
            RETRY_ERROR, "TYPE", "with --retry-failed: only failures of this exception type"),
        LaunchOption.withValue(
            RUN, "RUN_ID", "with --resume or --retry-failed: this run, not the latest"),
        LaunchOption.flag(LINEAGE, "with --store: also record every task's lineage"));
  }

  @Override
  public LaunchSession open(LaunchContext context) throws Exception {
    return StoreSession.open(context);
  }
}
