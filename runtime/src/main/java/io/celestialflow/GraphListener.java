package io.celestialflow;

import io.celestialflow.event.RunEvent;

/**
 * Receives a run's {@linkplain io.celestialflow.event events}: the hook that progress bars, the
 * dashboard, run stores and metrics build on. Events are per run and per stage, plus one per failed
 * or retried task; successful tasks are not announced one by one (read {@link GraphRun#status()}
 * for counts, or attach a {@link io.celestialflow.spi.TaskObserver}).
 *
 * <pre>{@code
 * GraphListener onFailure = event -> {
 *   if (event instanceof TaskFailed f) {
 *     alerts.send(f.failure().stage() + ": " + f.failure().message());
 *   }
 * };
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * Events are delivered on engine threads, possibly several at once: keep the method short and
 * thread-safe, and hand slow work to your own executor. An exception thrown by a listener is logged
 * and ignored. From a listener, {@link GraphRun#cancel()} and {@link GraphRun#close()} stop the run
 * (close does not wait when called from the run's own threads), and {@link GraphRun#await()} throws
 * {@link GraphStateException} at once instead of waiting for a run that cannot end while its own
 * thread waits.
 */
@FunctionalInterface
public interface GraphListener {
  /**
   * Receives one event.
   *
   * @param event the event
   */
  void onEvent(RunEvent event);
}
