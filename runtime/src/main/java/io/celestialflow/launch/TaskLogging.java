package io.celestialflow.launch;

import io.celestialflow.TaskStage;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every task's outcome at DEBUG (and its start at TRACE) through the SLF4J logger {@value
 * #LOGGER}: one line per task, for following a small run closely. The generated runners attach it
 * to every run; {@code --log-level debug} shows its lines.
 *
 * <pre>
 * DEBUG io.celestialflow.task: add: succeeded in 0.042 ms: AddArgs[x=1, y=2]
 * </pre>
 *
 * <p>Free when DEBUG is off: whether the logger is enabled for DEBUG is asked once per stage when a
 * run starts, and when it is not, this observer declines every stage, which then costs nothing per
 * task ({@link TaskObserver#observes}).
 */
public final class TaskLogging implements TaskObserver {
  /** The logger's name. */
  public static final String LOGGER = "io.celestialflow.task";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  /** Creates the observer; attach it with {@link io.celestialflow.RunBuilder#observer}. */
  public TaskLogging() {}

  @Override
  public boolean observes(TaskStage<?, ?> stage) {
    return log.isDebugEnabled();
  }

  @Override
  public void started(TaskRef task) {
    if (log.isTraceEnabled()) {
      log.trace("{}: started{}: {}", task.stage(), id(task), task.task());
    }
  }

  @Override
  public void succeeded(TaskRef task, long elapsedNanos) {
    log.debug(
        "{}: succeeded in {}{}: {}", task.stage(), millis(elapsedNanos), id(task), task.task());
  }

  @Override
  public void failed(TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {
    log.debug(
        "{}: attempt {} failed in {}{}{}: {}: {}",
        task.stage(),
        task.attempt(),
        millis(elapsedNanos),
        willRetry ? ", will retry" : "",
        id(task),
        error.toString(),
        task.task());
  }

  @Override
  public void duplicate(TaskRef task) {
    log.debug("{}: duplicate{}: {}", task.stage(), id(task), task.task());
  }

  private static String id(TaskRef task) {
    return task.id() == 0 ? "" : " (task " + task.id() + ", parent " + task.parentId() + ")";
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }
}
