package io.celestialflow.store;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.launch.GraphLauncher;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The main of the child JVMs the crash, concurrency, read-only and command-line tests start:
 *
 * <ul>
 *   <li>{@code endless DIR}: records a run whose tasks all fail, from an endless input, printing
 *       {@code committed N} after each commit, until killed;
 *   <li>{@code failures DIR N}: records a run of N failing tasks, prints {@code done RUN_ID};
 *   <li>{@code launch OUT ARGS...}: the generated-runner path: {@link GraphLauncher} over the slow
 *       graph whose sink appends every task it sees to the file OUT, one per line;
 *   <li>{@code journal DIR OUT N}: records {@link #journalled} over inputs 0..N-1 with the durable
 *       journal, its sink appending to OUT, printing {@code committed N} after each commit;
 *   <li>{@code lineage DIR}: records a two-stage run with lineage from an endless input, printing
 *       {@code started} once its first records are committed, until killed.
 * </ul>
 */
public final class StoreChild {
  private StoreChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "endless" -> endless(Path.of(args[1]));
      case "failures" -> failures(Path.of(args[1]), Integer.parseInt(args[2]));
      case "launch" -> System.exit(launch(Path.of(args[1]), List.of(args).subList(2, args.length)));
      case "lineage" -> lineage(Path.of(args[1]));
      case "journal" -> journal(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static TaskGraph failing(String name) {
    TaskStage<Integer, Integer> boom =
        TaskStage.<Integer, Integer>map(
                "boom",
                (Integer x) -> {
                  throw new IllegalStateException("boom " + x);
                })
            .taskType(Integer.class)
            .build();
    return TaskGraph.builder(name).stage(boom).build();
  }

  private static void endless(Path dir) {
    StoreOptions options =
        StoreOptions.defaults()
            .withOnCommit(n -> {
              System.out.println("committed " + n);
              System.out.flush();
            });
    RunStore store = RunStore.open(dir, options);
    Iterator<Integer> forever = IntStream.iterate(0, i -> i + 1).iterator();
    Iterable<Integer> source = () -> forever;
    store
        .newRun(failing("endless"), RecordOptions.defaults().withStatsInterval(Duration.ZERO))
        .input("boom", source)
        .keepFailures(0)
        .run();
  }

  private static void lineage(Path dir) {
    java.util.concurrent.atomic.AtomicBoolean said =
        new java.util.concurrent.atomic.AtomicBoolean();
    StoreOptions options =
        StoreOptions.defaults()
            .withOnCommit(n -> {
              if (!said.getAndSet(true)) {
                System.out.println("started");
                System.out.flush();
              }
            });
    RunStore store = RunStore.open(dir, options);
    TaskStage<Integer, Integer> split =
        TaskStage.<Integer, Integer>splitter("split", (Integer x) -> List.of(x, x + 1))
            .taskType(Integer.class)
            .execution(Execution.threads(2))
            .build();
    TaskStage<Integer, Void> sink =
        TaskStage.consumer("sink", (Integer x) -> {}).taskType(Integer.class).build();
    TaskGraph graph =
        TaskGraph.builder("lineage-child").stages(split, sink).edge(split, sink).build();
    Iterator<Integer> forever = IntStream.iterate(0, i -> i + 1).iterator();
    Iterable<Integer> source = () -> forever;
    store
        .newRun(graph, RecordOptions.defaults().withLineage(true).withStatsInterval(Duration.ZERO))
        .input("split", source)
        .run();
  }

  private static void failures(Path dir, int n) {
    try (RunStore store = RunStore.open(dir)) {
      GraphResult r =
          store
              .newRun(failing("failures"))
              .input("boom", IntStream.range(0, n).boxed().toList())
              .keepFailures(0)
              .run();
      System.out.println("done " + r.runId() + " " + store.problem().orElse("ok"));
    }
  }

  private static int launch(Path out, List<String> args) throws IOException {
    try (OutputStream sinkFile = new FileOutputStream(out.toFile(), true)) {
      TaskStage<Integer, Integer> slow =
          TaskStage.map(
                  "slow",
                  (Integer x) -> {
                    Thread.sleep(2);
                    return x;
                  })
              .taskType(Integer.class)
              .execution(Execution.threads(2))
              .build();
      TaskStage<Integer, Void> sink =
          TaskStage.consumer(
                  "sink",
                  (Integer x) -> {
                    // FileOutputStream is not interruptible: a line is written whole or not at all.
                    synchronized (sinkFile) {
                      sinkFile.write((x + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                  })
              .taskType(Integer.class)
              .build();
      TaskGraph graph =
          TaskGraph.builder("cli")
              .stage(slow)
              .stage(sink)
              .edge(slow, sink)
              .inboxCapacity(32)
              .build();
      return GraphLauncher.of(StoreChild.class, graph)
          .input("slow", Integer.class)
          .run(args, System.out, System.err);
    }
  }

  /**
   * work (x -> 10x, 2 threads) -> plus (+1) -> sink: every input x ends as 10x + 1 at the sink.
   *
   * @param sink what the sink does with each value
   */
  static TaskGraph journalled(java.util.function.IntConsumer sink) {
    TaskStage<Integer, Integer> work =
        TaskStage.map("work", (Integer x) -> x * 10)
            .taskType(Integer.class)
            .execution(Execution.threads(2))
            .build();
    TaskStage<Integer, Integer> plus =
        TaskStage.map("plus", (Integer x) -> x + 1).taskType(Integer.class).build();
    TaskStage<Integer, Void> end =
        TaskStage.consumer("sink", (Integer x) -> sink.accept(x)).taskType(Integer.class).build();
    return TaskGraph.builder("journalled")
        .stage(work)
        .stage(plus)
        .stage(end)
        .edge(work, plus)
        .edge(plus, end)
        .inboxCapacity(64)
        .build();
  }

  private static void journal(Path dir, Path out, int n) throws IOException {
    try (OutputStream sinkFile = new FileOutputStream(out.toFile(), true)) {
      StoreOptions options =
          StoreOptions.defaults()
              .withOnCommit(c -> {
                System.out.println("committed " + c);
                System.out.flush();
              });
      RunStore store = RunStore.open(dir, options);
      TaskGraph graph =
          journalled(x -> {
            synchronized (sinkFile) {
              try {
                sinkFile.write((x + "\n").getBytes(StandardCharsets.UTF_8));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          });
      GraphResult r =
          store
              .newRun(
                  graph,
                  RecordOptions.defaults().withJournal(true).withStatsInterval(Duration.ZERO))
              .input("work", IntStream.range(0, n).boxed().toList())
              .run();
      System.out.println("done " + r.runId());
      System.out.flush();
    }
  }
}
