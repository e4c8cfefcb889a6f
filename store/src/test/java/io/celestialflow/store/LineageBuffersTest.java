package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
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
            block -> {
              ByteBuffer r = block.records();
              for (int i = 0; i < block.count(); i++) {
                int at = i * LineageRecord.BYTES;
                long w0 = r.getLong(at);
                long w1 = r.getLong(at + 8);
                long w2 = r.getLong(at + 16);
                assertThat(LineageRecord.problem(w0, w1, w2, stages.size())).isNull();
                long task = LineageRecord.task(w0);
                assertThat(LineageRecord.parent(w1)).isEqualTo(task - 1);
                assertThat(LineageRecord.stage(w0)).isEqualTo((int) (task % 2));
                seen.incrementAndGet((int) task);
              }
              block.recycle();
              return true;
            });
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long first = (long) t * each + 1;
      started.add(
          Thread.ofPlatform()
              .start(() -> {
                for (long id = first; id < first + each; id++) {
                  int lost =
                      buffers.add(
                          id,
                          id - 1,
                          stages.get((int) (id % 2)),
                          LineageEvent.Kind.SUCCEEDED.code(),
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
}
