package io.celestialflow.store;

import io.celestialflow.InputProgress;
import io.celestialflow.StageStats;
import io.celestialflow.TaskFailure;
import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * One thing for the writer thread to write, as handed over by a recording. Payloads (tasks,
 * results) are encoded on the writer thread, not on the engine thread that produced them.
 */
sealed interface Entry {
  /** The id of the run the entry belongs to. */
  String runId();

  /**
   * A run begins: creates its row. With the journal it also marks the run journaled and records its
   * input sources as read from their start ({@code inputs}, {@code inputStarts} as in {@link
   * RunEnd}), so that a run killed before anything reached its journal still resumes. Always the
   * first entry of a run.
   */
  record RunStart(
      String runId,
      String graph,
      String structure,
      String stageTypes,
      @Nullable String origin,
      String originKind,
      long startedAt,
      boolean journal,
      List<InputProgress> inputs,
      List<Long> inputStarts)
      implements Entry {
    /** A run recorded without the journal. */
    RunStart(
        String runId,
        String graph,
        String structure,
        String stageTypes,
        @Nullable String origin,
        String originKind,
        long startedAt) {
      this(
          runId,
          graph,
          structure,
          stageTypes,
          origin,
          originKind,
          startedAt,
          false,
          List.of(),
          List.of());
    }
  }

  /** A task failed for good. */
  record Failure(String runId, TaskFailure failure, @Nullable Type declaredType) implements Entry {}

  /** A task the run did not finish, as the object the engine returned. */
  record Unfinished(String runId, String stage, Object task, @Nullable Type declaredType)
      implements Entry {}

  /** A task a resumed run did not get to, carried over as it was stored. */
  record CarriedOver(String runId, StoredTask task) implements Entry {}

  /**
   * Lineage events of a run: a block of the log ({@link LineageBlockFormat}), its body the first
   * {@code length} bytes of {@code body}, holding {@code records} records ({@code events} of them
   * events, the others times), whose stage fields index {@code stages}. Once written (or dropped),
   * the array goes back to {@code free} for the engine to fill again.
   */
  record LineageBlock(
      String runId,
      List<String> stages,
      byte[] body,
      int length,
      int records,
      int events,
      java.util.Queue<byte[]> free)
      implements Entry {
    /** Hands the array back to the engine side: the block is written or dropped. */
    void recycle() {
      free.offer(body);
    }
  }

  /** The run's lineage is complete: close its log and index it. */
  record LineageEnd(String runId) implements Entry {}

  /**
   * The journal: a task entered a stage (from an input source, injected, or from a task of stage
   * {@code from}).
   */
  record Entered(
      String runId,
      String stage,
      long task,
      long parent,
      @Nullable String from,
      int source,
      Object payload,
      @Nullable Type declaredType)
      implements Entry {}

  /** The journal: a task was settled at a stage (succeeded, failed for good, or a duplicate). */
  record Settled(String runId, String stage, long task, boolean succeeded) implements Entry {}

  /** A successful task of a stage whose results are recorded, with its outputs. */
  record Result(
      String runId,
      String stage,
      long taskId,
      Object task,
      List<?> outputs,
      @Nullable Type declaredType)
      implements Entry {}

  /** A snapshot of every stage's counters. */
  record Stats(String runId, long at, List<StageStats> stages) implements Entry {}

  /**
   * The run ended: its final counters, input positions (made absolute by {@code inputStarts}),
   * totals, and how many of its entries were dropped.
   */
  record RunEnd(
      String runId,
      long endedAt,
      String state,
      long failures,
      long unfinished,
      long dropped,
      List<StageStats> stages,
      List<InputProgress> inputs,
      List<Long> inputStarts,
      @Nullable String note)
      implements Entry {}

  /** Counted down once every entry handed over before it is committed (or dropped). */
  record Flush(String runId, CountDownLatch done) implements Entry {}
}
