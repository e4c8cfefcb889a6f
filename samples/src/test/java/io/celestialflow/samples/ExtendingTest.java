package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.spi.TaskRef;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ExtendingTest {
  @Test
  void theObserversAndTheListenerSeeWhatTheRunDid() {
    Extending.Outcome o = Extending.run(List.of("quick", "fox"));

    assertThat(o.result().outputs("upper"))
        .containsExactlyInAnyOrder("Q", "U", "I", "C", "K", "F", "O");
    assertThat(o.latency().count("letters")).isEqualTo(2);
    assertThat(o.latency().count("upper")).isEqualTo(7);
    assertThat(o.result().stats("upper").retries()).isEqualTo(1);

    long failed = o.result().failures().getFirst().taskId();
    List<TaskRef> path = o.parents().path(failed);
    assertThat(path).extracting(TaskRef::task).containsExactly("fox", "x");
    assertThat(path).extracting(TaskRef::stage).containsExactly("letters", "upper");
    assertThat(o.log()).containsExactly("failed x (task " + failed + ")", "finished COMPLETED");
  }
}
