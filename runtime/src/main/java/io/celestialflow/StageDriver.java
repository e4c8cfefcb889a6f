package io.celestialflow;

import java.util.concurrent.TimeUnit;

/**
 * Runs one stage's tasks during a run: the execution strategy. Each implementation takes chunks
 * from the stage's inbox and hands tasks to the stage's {@link TaskCore}; they differ only in which
 * threads do the work.
 */
sealed interface StageDriver
    permits PlatformWorkers, VirtualThreadDispatcher, AsyncDispatcher, ProcessBridge {
  /** Starts the driver's threads; they wait for the stage's turn before taking tasks. */
  void start();

  /** Cancellation: interrupts every thread of the driver and records the tasks it held. */
  void cancel();

  /**
   * Waits for every thread of the driver to end.
   *
   * @return true if they all ended in time
   */
  boolean join(long timeout, TimeUnit unit) throws InterruptedException;

  /** How many tasks are running right now (a snapshot for the {@code running} figure). */
  int running();

  static StageDriver of(StageRuntime stage, String threadPrefix) {
    return switch (stage.stage().execution()) {
      case Execution.Serial s -> new PlatformWorkers(stage, 1, threadPrefix);
      case Execution.Threads t -> new PlatformWorkers(stage, t.threads(), threadPrefix);
      case Execution.VirtualThreads v ->
          new VirtualThreadDispatcher(stage, v.maxInFlight(), threadPrefix);
      case Execution.Async a -> new AsyncDispatcher(stage, a.maxOutstanding(), threadPrefix);
      case Execution.Processes p -> new ProcessBridge(stage, p.workers(), threadPrefix);
    };
  }
}
