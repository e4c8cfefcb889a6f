package io.celestialflow;

import java.io.Serial;

/**
 * A {@link ExecutionMode#PROCESS worker process} died (it exited, was killed, ran out of memory) or
 * hung (sent no heartbeat in time) while running this task. The message says which worker, its
 * process id and what happened.
 *
 * <p>Only the task the worker was running fails this way; the other tasks it held are sent to a
 * worker again, and a replacement worker starts. Retry a crash like any failure:
 *
 * <pre>{@code
 * .retry(RetryPolicy.on(WorkerCrashedException.class).maxAttempts(3))
 * }</pre>
 *
 * <p>It is also the failure of every task of a stage whose workers cannot start at all (a missing
 * class, a bad JVM option): then the message holds the worker's last lines of output.
 */
public class WorkerCrashedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * A crash report.
   *
   * @param message what happened, to which worker
   */
  public WorkerCrashedException(String message) {
    super(message);
  }
}
