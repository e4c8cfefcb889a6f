package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskFailure;
import io.celestialflow.TaskGraph;
import io.celestialflow.dashboard.history.FailureHistory;
import io.celestialflow.dashboard.history.FailurePage;
import io.celestialflow.dashboard.history.FailureQuery;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the dashboard keeps per run stays bounded however long the run. */
@Timeout(60)
class BoundedMemoryTest {
  @Test
  void theInMemoryHistoryKeepsTheNewestFailuresAndCountsThemAll() {
    FailureHistory history = FailureHistory.inMemory(1_000);
    RuntimeException error = new IllegalStateException("boom");
    for (int i = 0; i < 200_000; i++) {
      history.record(TaskFailure.of(i % 2 == 0 ? "a" : "b", i, 0, error, 1), null);
    }
    assertThat(history.count()).isEqualTo(200_000);
    assertThat(history.countsByStage()).containsEntry("a", 100_000L).containsEntry("b", 100_000L);
    assertThat(history.countsByType(5)).containsEntry("java.lang.IllegalStateException", 200_000L);
    FailurePage page = history.search(new FailureQuery("a", null, null, null, null, 1, 10));
    assertThat(page.searchable()).isEqualTo(1_000);
    assertThat(page.matched()).isEqualTo(500);
    assertThat(page.items().get(0).id()).isEqualTo(199_999);
    assertThat(history.find(1)).isEmpty();
    assertThat(history.find(200_000)).isPresent();
    assertThat(history.after(199_990, 100)).hasSize(10);
  }

  @Test
  void aLongRunWithManyFailuresKeepsBoundedFailuresAndChartPoints() {
    try (Dashboard dashboard =
            Dashboard.builder().updateInterval(Duration.ofMillis(50)).failuresPerRun(500).start();
        TaskGraph graph = Graphs.failing()) {
      Client client = new Client(dashboard);
      GraphResult result =
          dashboard
              .attach(
                  graph
                      .newRun()
                      .keepFailures(0)
                      .discardOutputs()
                      .input(
                          "check",
                          (Iterable<Integer>)
                              () ->
                                  IntStream.range(0, 300_000)
                                      .map(i -> i % 1000)
                                      .boxed()
                                      .iterator()))
              .run();
      long failures = 300L * (334 + 200 - 67); // multiples of 3 or of 5 among 0..999
      assertThat(result.failureCount()).isEqualTo(failures);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() ->
              client
                      .getJson("api/runs/" + result.runId())
                      .getAsJsonObject()
                      .get("failureCount")
                      .getAsLong()
                  == failures);
      JsonObject page =
          client.getJson("api/runs/" + result.runId() + "/failures").getAsJsonObject();
      assertThat(page.get("total").getAsLong()).isEqualTo(failures);
      assertThat(page.get("searchable").getAsLong()).isEqualTo(500);
      JsonObject history =
          client.getJson("api/runs/" + result.runId() + "/history").getAsJsonObject();
      assertThat(history.getAsJsonArray("t").size()).isLessThanOrEqualTo(240);
    }
  }
}
