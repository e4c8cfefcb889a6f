package io.celestialflow.store;

import io.celestialflow.TaskFailure;
import io.celestialflow.spi.TaskOutcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the benchmarks in {@code io.celestialflow.store.bench} need of the store's insides: its
 * writer, fed directly, without an engine in front. Test code only.
 */
public final class StoreBenchAccess implements AutoCloseable {
  private final RunStore store;
  private final StoreWriter writer;
  private final AtomicLong committed = new AtomicLong();
  private final java.util.Map<String, LineageBuffers> lineage =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Opens a store whose commits this object counts.
   *
   * @param dir the store directory
   */
  public StoreBenchAccess(Path dir) {
    StoreOptions options = StoreOptions.defaults().withOnCommit(committed::set);
    this.store = RunStore.open(dir, options);
    this.writer = store.writerForTests();
  }

  /** Starts a run row. */
  public void startRun(String runId) {
    writer.put(new Entry.RunStart(runId, "bench", "{}", "{}", null, "run", 0));
  }

  /** Hands over one failure record, computing its trace key first as a recording does. */
  public void failure(String runId, TaskFailure f) {
    f.traceKey(); // as RunRecorder does, on the thread that reports the failure
    writer.offer(new Entry.Failure(runId, f, Integer.class));
  }

  /**
   * Starts recording a run's lineage with these stages, as a recording run does at its start.
   *
   * @param runId the run
   * @param stages its stage names
   */
  public void startLineage(String runId, List<String> stages) {
    lineage.put(runId, new LineageBuffers(runId, stages, writer::offer));
  }

  /** Appends one lineage event (a success, attempt 1, now) of a run begun with startLineage. */
  public void lineage(String runId, long task, long parent, String stage) {
    lineage
        .get(runId)
        .add(task, parent, stage, TaskOutcome.SUCCEEDED, 1, System.currentTimeMillis());
  }

  /**
   * Waits until everything handed over is committed; a run begun with startLineage is ended: its
   * buffers are handed over and its log closed, as at the end of a recorded run.
   */
  public void flush(String runId) {
    LineageBuffers buffers = lineage.remove(runId);
    if (buffers != null) {
      buffers.drain();
      writer.put(new Entry.LineageEnd(runId));
    }
    writer.flush(runId, java.time.Duration.ofMinutes(10));
  }

  /** A failure with a rendered stack trace of {@code frames} lines. */
  public static TaskFailure failure(int task, String trace) {
    return TaskFailure.of(
        "stage",
        task,
        0,
        List.of(
            "java.lang.IllegalStateException",
            "java.lang.RuntimeException",
            "java.lang.Exception",
            "java.lang.Throwable"),
        "boom " + task,
        trace,
        1,
        Instant.now());
  }

  /** A failure with every field chosen. */
  public static TaskFailure failure(
      String stage, int task, List<String> types, String message, String trace, Instant at) {
    return TaskFailure.of(stage, task, 0, types, message, trace, 1, at);
  }

  /**
   * CPU time the writer thread has used so far: what the writer costs whatever else runs on the
   * machine.
   *
   * @return nanoseconds
   */
  public long writerCpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean()
        .getThreadCpuTime(writer.thread().threadId());
  }

  /** The store. */
  public RunStore store() {
    return store;
  }

  @Override
  public void close() {
    store.close();
  }
}
