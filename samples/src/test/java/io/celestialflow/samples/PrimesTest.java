package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.ExecutionMode;
import io.celestialflow.GraphResult;
import io.celestialflow.samples.Primes.Count;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PrimesTest {
  @AfterEach
  void noWorkerJvmOutlivesItsGraph() {
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .as("child processes still alive after the test")
        .isEmpty();
  }

  @Test
  void theWorkerJvmsCountThePrimesOfEachChunk() {
    boolean[] prime = new boolean[1_000_000];
    for (int p : Primes.sieve(prime.length - 1)) {
      prime[p] = true;
    }
    try (PrimesGraph graph = new PrimesGraph()) {
      PrimesGraph.Result result = graph.run(List.of(new PrimesGraph.ChunksArgs(1_000_000, 50_000)));

      GraphResult raw = result.graphResult();
      assertThat(raw.failures()).isEmpty();
      assertThat(raw.isCompleted()).isTrue();
      List<Count> counts = result.count();
      assertThat(counts).hasSize(20);
      for (Count c : counts) {
        long expected = 0;
        for (long n = c.range().from(); n < c.range().to(); n++) {
          expected += prime[(int) n] ? 1 : 0;
        }
        assertThat(c.primes()).as("primes in %s", c.range()).isEqualTo(expected);
      }
      assertThat(counts.stream().mapToLong(Count::primes).sum()).isEqualTo(78_498);
      assertThat(raw.stats("count").mode()).isEqualTo(ExecutionMode.PROCESS);
      assertThat(graph.countStage().describe()).isEqualTo("count (MAP, PROCESS x2)");
    }
  }

  @Test
  void theGeneratedRunnerRunsTheWorkersToo() {
    Runner.Printed printed =
        Runner.run(PrimesGraph::main, "--input", "chunks=[[10000,2500]]", "--progress");

    assertThat(printed.out()).startsWith("{\"count\":[");
    assertThat(printed.out())
        .contains("{\"range\":{\"from\":0,\"to\":2500},\"primes\":367}")
        .contains("{\"range\":{\"from\":7500,\"to\":10000},\"primes\":279}");
    assertThat(printed.err()).contains("primes: COMPLETED");
  }
}
