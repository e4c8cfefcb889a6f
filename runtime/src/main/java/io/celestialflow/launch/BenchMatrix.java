package io.celestialflow.launch;

import io.celestialflow.Execution;
import io.celestialflow.ExecutionMode;
import io.celestialflow.GraphDefinitionException;
import io.celestialflow.GraphResult;
import io.celestialflow.InputProgress;
import io.celestialflow.Layout;
import io.celestialflow.RunBuilder;
import io.celestialflow.StageStats;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code --bench}: the original's {@code test_methods}. Runs the graph over the same inputs under a
 * matrix of set-ups — the graph as declared, then every synchronous stage serial, on platform
 * threads, and on virtual threads, each in the streaming and (for acyclic graphs) the serial layout
 * — and prints a table of time and throughput per set-up, so a user can pick the best one for their
 * workload. Asynchronous and worker-process stages keep their own execution. Outputs are counted,
 * not kept.
 */
final class BenchMatrix {
  /** One set-up of the matrix. */
  private record Setup(String name, Function<TaskStage<?, ?>, Execution> execution) {}

  /** One measured run. */
  private record Row(
      String setup, Layout layout, long millis, long inputs, long completed, long failed) {}

  private final TaskGraph graph;
  private final InputSpecs inputs;
  private final PrintStream out;

  BenchMatrix(TaskGraph graph, InputSpecs inputs, PrintStream out) {
    this.graph = graph;
    this.inputs = inputs;
    this.out = out;
  }

  private static List<Setup> setups() {
    int cores = Runtime.getRuntime().availableProcessors();
    Execution threads = Execution.threads(Math.max(2, cores));
    Execution virtual = Execution.virtualThreads(256);
    return List.of(
        new Setup("as declared", TaskStage::execution),
        new Setup("all serial", s -> synchronous(s) ? Execution.serial() : s.execution()),
        new Setup(
            "all " + threads.describe().toLowerCase(Locale.ROOT),
            s -> synchronous(s) ? threads : s.execution()),
        new Setup(
            "all " + virtual.describe().toLowerCase(Locale.ROOT),
            s -> synchronous(s) ? virtual : s.execution()));
  }

  private static boolean synchronous(TaskStage<?, ?> stage) {
    return !stage.isAsync() && stage.mode() != ExecutionMode.PROCESS;
  }

  /** Runs the matrix and prints the table; returns the exit status (1 if a run failed). */
  int run() {
    List<Row> rows = new ArrayList<>();
    boolean clean = true;
    for (Layout layout : Layout.values()) {
      for (Setup setup : setups()) {
        try (TaskGraph variant = graph.withExecutions(setup.execution())) {
          RunBuilder run = variant.newRun().discardOutputs();
          try {
            run.layout(layout);
          } catch (GraphDefinitionException e) {
            out.println("# " + layout + ": skipped (" + e.getMessage() + ")");
            break;
          }
          List<Closeable> open = new ArrayList<>();
          long start = System.nanoTime();
          GraphResult result;
          try {
            inputs.feed(run, List.of(), open);
            result = run.run();
          } finally {
            closeAll(open);
          }
          long millis = (System.nanoTime() - start) / 1_000_000;
          rows.add(row(setup.name(), layout, millis, result));
          clean &= result.isCompleted();
        }
      }
    }
    out.print(table(rows));
    return clean ? 0 : 1;
  }

  private static Row row(String setup, Layout layout, long millis, GraphResult result) {
    long read = 0;
    for (InputProgress p : result.inputs()) {
      read += p.read();
    }
    long completed = 0;
    for (StageStats s : result.stats()) {
      completed += s.completed();
    }
    return new Row(setup, layout, millis, read, completed, result.failureCount());
  }

  private static void closeAll(List<Closeable> open) {
    for (Closeable c : open) {
      try {
        c.close();
      } catch (IOException e) {
        // A file read to its end: nothing lost if it does not close cleanly.
      }
    }
  }

  private static String table(List<Row> rows) {
    long best = Long.MAX_VALUE;
    for (Row r : rows) {
      best = Math.min(best, r.millis());
    }
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "| %-28s | %-9s | %9s | %12s | %12s | %7s |%n",
            "set-up",
            "layout",
            "time (ms)",
            "inputs/s",
            "stage tasks",
            "failed"));
    s.append("|").append("-".repeat(30)).append("|").append("-".repeat(11)).append("|");
    s.append("-".repeat(11)).append("|").append("-".repeat(14)).append("|");
    s.append("-".repeat(14)).append("|").append("-".repeat(9)).append("|\n");
    for (Row r : rows) {
      double perSecond = r.millis() == 0 ? 0 : r.inputs() * 1000.0 / r.millis();
      s.append(
          String.format(
              Locale.ROOT,
              "| %-28s | %-9s | %9d | %,12.0f | %,12d | %,7d |%s%n",
              r.setup(),
              r.layout().name().toLowerCase(Locale.ROOT),
              r.millis(),
              perSecond,
              r.completed(),
              r.failed(),
              r.millis() == best ? " fastest" : ""));
    }
    return s.toString();
  }
}
