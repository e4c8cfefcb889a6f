package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.spi.TaskOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine side of lineage: striped buffers that many threads append to at once. */
@Timeout(60)
class LineageBuffersTest {

  /**
   * More threads than stripes, so that threads share stripes: every event comes out exactly once,
   * whole, however the appends interleave.
   */
  @Test
  void threadsSharingStripesLoseAndMixNoEvent() throws InterruptedException {
    int threads = 100;
    int each = 20_000;
    AtomicLongArray seen = new AtomicLongArray(threads * each + 1);
    List<String> stages = List.of("a", "b");
    LineageBuffers buffers =
        new LineageBuffers(
            "r",
            stages,
            sink(
                stages,
                (w0, w1, at) -> {
                  long task = LineageRecord.task(w0);
                  assertThat(at).isEqualTo(1_700_000_000_000L);
                  assertThat(LineageRecord.parent(w1)).isEqualTo(task - 1);
                  assertThat(LineageRecord.stage(w0)).isEqualTo((int) (task % 2));
                  seen.incrementAndGet((int) task);
                }));
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long first = (long) t * each + 1;
      started.add(
          Thread.ofPlatform()
              .start(() -> {
                for (long id = first; id < first + each; id++) {
                  long lost =
                      buffers.add(
                          id,
                          id - 1,
                          stages.get((int) (id % 2)),
                          TaskOutcome.SUCCEEDED,
                          1,
                          1_700_000_000_000L);
                  assertThat(lost).isZero();
                }
              }));
    }
    for (Thread t : started) {
      t.join();
    }
    assertThat(buffers.drain()).isZero();
    for (int id = 1; id <= threads * each; id++) {
      assertThat(seen.get(id)).as("events of task %d", id).isEqualTo(1);
    }
  }

  /** What a test checks of each event the buffers hand over, with the time before it. */
  private interface RecordCheck {
    void check(long w0, long w1, long at);
  }

  /**
   * A writer's stand-in: decodes the block as a reader of the log would, checks that every record
   * of it is sound and that the block begins with a time, then {@code each} event with its time,
   * and recycles the block.
   */
  private static LineageBuffers.Sink sink(List<String> stages, RecordCheck each) {
    return block -> {
      long[] r = LineageBlockFormatTest.words(block);
      long at = -1;
      int events = 0;
      for (int i = 0; i < block.records(); i++) {
        long w0 = r[2 * i];
        long w1 = r[2 * i + 1];
        assertThat(LineageRecord.problem(w0, w1, stages.size())).isNull();
        if (LineageRecord.isTime(w0)) {
          at = LineageRecord.time(w1);
        } else {
          assertThat(at).as("a time before the first event of a block").isNotNegative();
          each.check(w0, w1, at);
          events++;
        }
      }
      assertThat(block.events()).isEqualTo(events);
      block.recycle();
      return true;
    };
  }

  /**
   * Batches appended from many threads, across full buffers: each event comes out once, whole and
   * with its own fields; attempts without an id are left out, and a stage not in the graph loses
   * its batch, counted.
   */
  @Test
  void batchesComeOutEventByEventAcrossFullBuffers() throws InterruptedException {
    int threads = 8;
    int batches = 50;
    int size = 1000; // not a divisor of a buffer's 4,096 events: batches straddle hand-overs
    List<String> stages = List.of("a", "b");
    AtomicLongArray seen = new AtomicLongArray(threads * batches * size + 1);
    LineageBuffers buffers =
        new LineageBuffers(
            "r",
            stages,
            sink(
                stages,
                (w0, w1, at) -> {
                  long task = LineageRecord.task(w0);
                  assertThat(LineageRecord.parent(w1)).isEqualTo(task + 7);
                  assertThat(LineageRecord.stage(w0)).isEqualTo(1);
                  long first = (task - 1) / size * size + 1; // of the task's batch
                  assertThat(at).isEqualTo(1_700_000_000_000L + first % 3);
                  boolean retried = task % 5 == 0;
                  assertThat(LineageRecord.kind(w1))
                      .isEqualTo(
                          (retried ? LineageEvent.Kind.RETRIED : LineageEvent.Kind.SUCCEEDED)
                              .code());
                  assertThat(LineageRecord.attempt(w1)).isEqualTo(retried ? 1 : 2);
                  seen.incrementAndGet((int) task);
                }));
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      started.add(
          Thread.ofPlatform()
              .start(() -> {
                for (int b = 0; b < batches; b++) {
                  long first = ((long) thread * batches + b) * size + 1;
                  long[] ids = new long[size + 1];
                  long[] parents = new long[size + 1];
                  TaskOutcome[] outcomes = new TaskOutcome[size + 1];
                  for (int i = 0; i < size; i++) {
                    ids[i] = first + i;
                    parents[i] = first + i + 7;
                    outcomes[i] = ids[i] % 5 == 0 ? TaskOutcome.RETRIED : TaskOutcome.SUCCEEDED;
                  }
                  outcomes[size] = TaskOutcome.SUCCEEDED; // id 0: the run tracks no identity
                  int[] attempts = new int[size + 1];
                  for (int i = 0; i <= size; i++) {
                    attempts[i] = outcomes[i] == TaskOutcome.RETRIED ? 1 : 2;
                  }
                  // one time per batch, as the recorder reads its clock once per batch
                  long at = 1_700_000_000_000L + first % 3;
                  assertThat(
                          buffers.addAll(
                              new SettledColumns("b", ids, parents, attempts, outcomes), at))
                      .isZero();
                }
              }));
    }
    for (Thread t : started) {
      t.join();
    }
    TaskOutcome[] two = {TaskOutcome.SUCCEEDED, TaskOutcome.FAILED};
    assertThat(
            buffers.addAll(
                new SettledColumns("nope", new long[] {1, 2}, new long[2], new int[] {1, 1}, two),
                1L))
        .as("events of a stage not in the graph are lost, and counted")
        .isEqualTo(2);
    assertThat(buffers.drain()).isZero();
    for (int id = 1; id <= threads * batches * size; id++) {
      assertThat(seen.get(id)).as("events of task %d", id).isEqualTo(1);
    }
  }
}
