package io.celestialflow.launch;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.celestialflow.GraphResult;
import io.celestialflow.InputFailure;
import io.celestialflow.StageStats;
import io.celestialflow.TaskFailure;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the runner prints: the outputs as JSON, the counters, the summary of a run. */
final class Reports {
  /** How many failures the summary lists one by one. */
  static final int FAILURES_SHOWN = 10;

  private final Gson gson;

  Reports(Gson gson) {
    this.gson = gson;
  }

  /** The collected outputs as one JSON object: stage name to array of outputs. */
  JsonObject outputs(GraphResult result) {
    JsonObject json = new JsonObject();
    for (Map.Entry<String, List<Object>> e : result.outputs().entrySet()) {
      JsonArray values = new JsonArray();
      for (Object value : e.getValue()) {
        values.add(toJson(value));
      }
      json.add(e.getKey(), values);
    }
    return json;
  }

  private JsonElement toJson(Object value) {
    try {
      return gson.toJsonTree(value);
    } catch (RuntimeException e) {
      // A type Gson cannot take apart (JDK internals, for instance): its string form will do.
      return new JsonPrimitive(String.valueOf(value));
    }
  }

  static void printStatus(List<StageStats> stages, PrintStream err) {
    StringBuilder s = new StringBuilder();
    for (StageStats st : stages) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-12s received %7d  succeeded %7d  failed %5d  duplicates %5d  pending %6d%n",
              st.stage(),
              st.received(),
              st.succeeded(),
              st.failed(),
              st.duplicates(),
              st.open()));
    }
    err.print(s);
    err.println();
  }

  static void printSummary(GraphResult result, PrintStream err) {
    err.printf(
        Locale.ROOT,
        "%s: %s in %d ms%n",
        result.graph(),
        result.state(),
        result.elapsed().toMillis());
    printStatus(result.stats(), err);
    List<TaskFailure> failures = result.failures();
    if (result.failureCount() > 0) {
      err.printf(Locale.ROOT, "%d failed tasks:%n", result.failureCount());
      for (TaskFailure f : failures.subList(0, Math.min(FAILURES_SHOWN, failures.size()))) {
        err.printf(
            Locale.ROOT,
            "  %s: %s: %s (task %s)%n",
            f.stage(),
            f.exceptionType(),
            f.message(),
            f.task());
      }
      long shown = Math.min(FAILURES_SHOWN, failures.size());
      if (result.failureCount() > shown) {
        err.printf(Locale.ROOT, "  ... and %d more%n", result.failureCount() - shown);
      }
    }
    for (InputFailure f : result.inputFailures()) {
      err.printf(
          Locale.ROOT,
          "input of %s failed after %d tasks: %s: %s%n",
          f.stage(),
          f.tasksRead(),
          f.exceptionType(),
          f.message());
    }
    result
        .unfinished()
        .forEach((stage, tasks) ->
            err.printf(Locale.ROOT, "%s: %d unfinished tasks%n", stage, tasks.size()));
    result.cause().ifPresent(c -> err.printf(Locale.ROOT, "stopped by: %s%n", c));
  }
}
