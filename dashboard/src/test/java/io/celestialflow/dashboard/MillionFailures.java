package io.celestialflow.dashboard;

import io.celestialflow.TaskFailure;
import io.celestialflow.dashboard.history.FailureHistory;
import io.celestialflow.dashboard.history.FailureHistoryProvider;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stands in for a run store holding 1,000,000 failures: for graphs named {@code million-*}, the
 * history is the real in-memory one, sized for a million and filled before the run starts, so the
 * page's error log searches and pages through a million records. Registered for the tests in
 * META-INF/services.
 */
public final class MillionFailures implements FailureHistoryProvider {
  static final int COUNT = 1_000_000;

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public MillionFailures() {}

  @Override
  public Optional<FailureHistory> open(String runId, String graph) {
    if (!graph.startsWith("million-")) {
      return Optional.empty();
    }
    FailureHistory history = FailureHistory.inMemory(COUNT);
    String trace = "java.io.IOException: simulated\n\tat demo.Stage.run(Stage.java:1)\n";
    Instant start = Instant.now().minusSeconds(3600);
    List<List<String>> types =
        List.of(
            List.of("java.io.IOException", "java.lang.Exception", "java.lang.Throwable"),
            List.of(
                "java.lang.IllegalStateException",
                "java.lang.RuntimeException",
                "java.lang.Exception",
                "java.lang.Throwable"),
            List.of(
                "java.lang.NumberFormatException",
                "java.lang.IllegalArgumentException",
                "java.lang.RuntimeException",
                "java.lang.Exception",
                "java.lang.Throwable"));
    for (int i = 0; i < COUNT; i++) {
      history.record(
          TaskFailure.of(
              "s" + (i % 100),
              i,
              0,
              types.get(i % 3),
              "failure number " + i,
              trace,
              1,
              start.plusMillis(i)),
          Integer.toString(i));
    }
    return Optional.of(history);
  }

  @Override
  public String toString() {
    return "MillionFailures";
  }
}
