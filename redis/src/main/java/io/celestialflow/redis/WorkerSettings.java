package io.celestialflow.redis;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RemoteWorker}'s configuration, as its builder checked it.
 *
 * @param graph the graph name in the keys
 * @param group the consumer group
 * @param consumer the consumer name
 * @param concurrency tasks run at once
 * @param batchSize most entries per read
 * @param idleClaim idle time before an entry is claimed from its consumer
 * @param deliveryLimit deliveries without a result before an entry is dead-lettered
 * @param heartbeatInterval time between heartbeats
 * @param block longest wait of one read
 * @param shutdownTimeout how long a stop lets held entries finish
 * @param deadLetterCap approximate length cap of a dead-letter stream
 * @param taskTimeout bound on each task's run, or null
 * @param beforeCommit test seam called before each commit, or null
 */
record WorkerSettings(
    String graph,
    String group,
    String consumer,
    int concurrency,
    int batchSize,
    Duration idleClaim,
    int deliveryLimit,
    Duration heartbeatInterval,
    Duration block,
    Duration shutdownTimeout,
    long deadLetterCap,
    @Nullable Duration taskTimeout,
    @Nullable Consumer<List<RemoteWorker.Written>> beforeCommit) {

  /**
   * The most entries not yet run the worker holds at once: one batch waiting behind the running
   * tasks (finished entries waiting for their commit, at most a batch more, do not count).
   */
  int capacity() {
    return concurrency + batchSize;
  }
}
