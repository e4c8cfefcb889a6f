package io.celestialflow.redis;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The state of a stage's streams in Redis, from {@link RedisBridge#status(String, String)}: what a
 * dashboard shows next to the stage's counters.
 *
 * @param graph the graph name
 * @param stage the stage name
 * @param stream the key of the task stream
 * @param length entries in the task stream: tasks not yet acknowledged (acknowledged entries are
 *     deleted, so this is the backlog, pending ones included)
 * @param pending entries delivered to a worker and not yet acknowledged
 * @param lag entries not yet delivered to any worker ({@code XINFO GROUPS} lag; {@code null} when
 *     the group does not exist yet or Redis cannot tell)
 * @param deadLetters entries in the dead-letter stream
 * @param workers the workers' last heartbeats, by consumer name
 * @param client the counters of this bridge's remote stage or sink for the stage, if it has one
 */
public record QueueStatus(
    String graph,
    String stage,
    String stream,
    long length,
    long pending,
    @Nullable Long lag,
    long deadLetters,
    List<WorkerHeartbeat> workers,
    @Nullable RemoteStageStats client) {
  /**
   * Copies the worker list.
   *
   * @param graph the graph name
   * @param stage the stage name
   * @param stream the task stream key
   * @param length the stream length
   * @param pending the pending count
   * @param lag the group lag
   * @param deadLetters the dead-letter count
   * @param workers the heartbeats
   * @param client this bridge's client counters
   */
  public QueueStatus {
    workers = List.copyOf(workers);
  }

  /**
   * The workers whose last heartbeat is recent (within three heartbeat intervals).
   *
   * @return the live workers
   */
  public List<WorkerHeartbeat> liveWorkers() {
    return workers.stream().filter(WorkerHeartbeat::alive).toList();
  }
}
