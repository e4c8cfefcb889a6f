package io.celestialflow.samples;

import io.celestialflow.Execution;
import io.celestialflow.GraphListener;
import io.celestialflow.GraphResult;
import io.celestialflow.RetryPolicy;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.TaskFailed;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's extension points at work, without touching a driver: a {@link TaskObserver} that
 * keeps per-stage latency and remembers where each output came from (lineage), and a {@link
 * GraphListener} that collects failures and the run's end. Run it with {@code scripts/run.sh
 * Extending}; docs/extending.md walks through it.
 */
public final class Extending {
  private Extending() {}

  /** Per-stage latency: count and total nanoseconds of successful tasks. */
  public static final class Latency implements TaskObserver {
    final Map<String, LongAdder> count = new ConcurrentHashMap<>();
    final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();

    @Override
    public void succeeded(TaskRef task, long elapsedNanos) {
      count.computeIfAbsent(task.stage(), k -> new LongAdder()).increment();
      nanos.computeIfAbsent(task.stage(), k -> new LongAdder()).add(elapsedNanos);
    }

    /**
     * How many tasks of a stage succeeded.
     *
     * @param stage the stage name
     * @return the count
     */
    public long count(String stage) {
      LongAdder c = count.get(stage);
      return c == null ? 0 : c.sum();
    }

    /**
     * The mean time of a stage's successful tasks.
     *
     * @param stage the stage name
     * @return the mean, in microseconds
     */
    public double meanMicros(String stage) {
      LongAdder total = nanos.get(stage);
      long n = count(stage);
      return total == null || n == 0 ? 0 : total.sum() / 1e3 / n;
    }
  }

  /** Lineage: which task each task came from, by id (the run tracks task identity). */
  public static final class Parents implements TaskObserver {
    final Map<Long, TaskRef> byId = new ConcurrentHashMap<>();

    @Override
    public void started(TaskRef task) {
      byId.putIfAbsent(task.id(), task);
    }

    /**
     * The chain of tasks from an input to the given task, by following parent ids.
     *
     * @param id a task id
     * @return the tasks, the input first
     */
    public List<TaskRef> path(long id) {
      List<TaskRef> path = new CopyOnWriteArrayList<>();
      for (TaskRef t = byId.get(id); t != null; t = byId.get(t.parentId())) {
        path.add(0, t);
      }
      return path;
    }
  }

  /** What one run of the sample produced, with what the extensions saw. */
  public record Outcome(GraphResult result, Latency latency, Parents parents, List<String> log) {}

  /** Words split into letters; letters upper-cased; "x" always fails, "q" fails once. */
  public static Outcome run(List<String> words) {
    TaskStage<String, String> letters =
        TaskStage.splitter("letters", (String w) -> List.of(w.split(""))).build();
    Map<String, Boolean> triedOnce = new ConcurrentHashMap<>();
    TaskStage<String, String> upper =
        TaskStage.map(
                "upper",
                (String s) -> {
                  if (s.equals("x")) {
                    throw new IllegalArgumentException("no x, please");
                  }
                  if (s.equals("q") && triedOnce.putIfAbsent(s, true) == null) {
                    throw new IllegalStateException("q needs a second try");
                  }
                  return s.toUpperCase(java.util.Locale.ROOT);
                })
            .execution(Execution.threads(2))
            .retry(RetryPolicy.on(IllegalStateException.class).maxAttempts(2))
            .build();
    Latency latency = new Latency();
    Parents parents = new Parents();
    List<String> log = new CopyOnWriteArrayList<>();
    GraphListener listener =
        event -> {
          switch (event) {
            case TaskFailed f ->
                log.add("failed " + f.failure().task() + " (task " + f.failure().taskId() + ")");
            case RunFinished end -> log.add("finished " + end.result().state());
            default -> {}
          }
        };
    try (TaskGraph graph =
        TaskGraph.builder("extending").stages(letters, upper).edge(letters, upper).build()) {
      GraphResult result =
          graph
              .newRun()
              .input(letters, words)
              .trackLineage()
              .observer(latency)
              .observer(parents)
              .listener(listener)
              .run();
      return new Outcome(result, latency, parents, log);
    }
  }

  /**
   * Prints what the extensions saw.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Outcome o = run(List.of("quick", "fox", "jumps"));
    System.out.println("upper: " + o.result().outputs("upper"));
    System.out.printf(
        java.util.Locale.ROOT,
        "upper: %d tasks, %.1f us each on average%n",
        o.latency().count("upper"),
        o.latency().meanMicros("upper"));
    long failedId = o.result().failures().getFirst().taskId();
    System.out.println("the failed task came from: " + o.parents().path(failedId));
    o.log().forEach(System.out::println);
  }
}
