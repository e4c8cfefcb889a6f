package io.celestialflow.internal;

import io.celestialflow.StageKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Internal, for execution backends: one stage during one run, as a {@link BackendDriver} sees it.
 * Implemented by the engine. Not API.
 *
 * <p>A driver's threads wait for the stage's turn ({@link #awaitGate}), then {@link #claim} tasks
 * until the inbox is closed and empty, and report each task's outcome through a {@link TaskPort} of
 * their own ({@link #newTaskPort}). Tasks a driver took but cannot run (its worker died) go back
 * with {@link #requeue}.
 */
public interface StagePort {
  /**
   * The stage's name.
   *
   * @return the name
   */
  String name();

  /**
   * What the stage emits per task.
   *
   * @return the kind
   */
  StageKind kind();

  /**
   * The stage's per-task timeout, if it has one.
   *
   * @return the timeout
   */
  Optional<Duration> timeout();

  /**
   * How many tasks the run moves between threads at once: the most {@link #claim} returns, and the
   * size a {@link TaskPort}'s output buffers flush at.
   *
   * @return the chunk size
   */
  int chunkSize();

  /**
   * Creates one of the run's threads (named, not started): the run waits for it, and an error it
   * throws ends the run.
   *
   * @param name the thread's name
   * @param body what it runs
   * @return the thread
   */
  Thread newThread(String name, Runnable body);

  /**
   * Waits until the stage may take tasks (at once when all stages stream; in its turn in the serial
   * layout).
   *
   * @throws InterruptedException if the run is cancelled meanwhile
   */
  void awaitGate() throws InterruptedException;

  /**
   * Takes the next tasks from the stage's inbox, waiting for some, and counts them as claimed.
   * Interrupts that are not a cancellation are ignored.
   *
   * @param consumers how many threads of the driver take tasks (each gets a fair share)
   * @param max the most tasks to take
   * @return the tasks, or null once the inbox is closed and empty
   * @throws InterruptedException if the run is cancelled
   */
  @Nullable TaskBatch claim(int consumers, int max) throws InterruptedException;

  /**
   * Puts claimed tasks back into the inbox, without waiting for room, as re-runs of the same
   * attempt: they pass the duplicate check again and are no longer counted as claimed. Those the
   * inbox refuses (it is closed) are recorded unfinished.
   *
   * @param items items from {@link #claim}, none of which has an outcome yet
   */
  void requeue(List<Object> items);

  /**
   * Whether the run is being cancelled.
   *
   * @return true once cancellation began
   */
  boolean isCancelled();

  /**
   * Ends the run because of an error the driver cannot handle (a bug, or the JVM in trouble).
   *
   * @param error the cause, rethrown from the run's {@code run()} or {@code await()}
   */
  void fatal(Throwable error);

  /**
   * A per-task core for one thread of the driver: each thread that settles tasks needs its own.
   *
   * @param bufferCapacity the initial size of each output buffer
   * @return a new port
   */
  TaskPort newTaskPort(int bufferCapacity);
}
