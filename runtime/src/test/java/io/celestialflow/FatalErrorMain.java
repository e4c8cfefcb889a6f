package io.celestialflow;

import io.celestialflow.launch.GraphLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * The child JVMs of {@link FatalErrorTest}: a run that runs out of memory, and a runner to be
 * terminated.
 */
final class FatalErrorMain {
  private FatalErrorMain() {}

  /** Ten million tasks from a lazy source, as a new user would feed them. */
  static Iterator<Long> tenMillion() {
    return new Iterator<>() {
      long next;

      @Override
      public boolean hasNext() {
        return next < 10_000_000;
      }

      @Override
      public Long next() {
        return next++;
      }
    };
  }

  /**
   * {@code collect}: 10,000,000 outputs collected in a small heap; {@code serial}: the serial
   * layout, whose inboxes hold a whole stage's output; {@code terminate MARKER TASKS}: a runner on
   * a slow stage that writes MARKER once it runs.
   */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "collect" -> {
        TaskStage<Long, Long> inc = TaskStage.map("inc", (Long x) -> x + 1).build();
        try (TaskGraph graph = TaskGraph.builder("oom-collect").stage(inc).build()) {
          report(() -> graph.newRun().input(inc, tenMillion()).run());
        }
      }
      case "serial" -> {
        TaskStage<Long, Long> inc = TaskStage.map("inc", (Long x) -> x + 1).build();
        TaskStage<Long, Long> dec = TaskStage.map("dec", (Long x) -> x - 1).build();
        try (TaskGraph graph =
            TaskGraph.builder("oom-serial").stages(inc, dec).edge(inc, dec).build()) {
          report(() ->
              graph.newRun().layout(Layout.SERIAL).discardOutputs().input(inc, tenMillion()).run());
        }
      }
      case "terminate" -> {
        Path marker = Path.of(args[1]);
        TaskStage<Integer, Integer> slow =
            TaskStage.map(
                    "slow",
                    (Integer x) -> {
                      if (!Files.exists(marker)) {
                        Files.writeString(marker, "running");
                      }
                      Thread.sleep(20);
                      return x;
                    })
                .build();
        TaskGraph graph = TaskGraph.builder("terminated").stage(slow).build();
        GraphLauncher.of(FatalErrorMain.class, graph)
            .input("slow", Integer.class)
            .launch(new String[] {"--input", "slow=" + args[2]});
      }
      default -> throw new IllegalArgumentException(List.of(args).toString());
    }
  }

  private interface Run {
    GraphResult run();
  }

  private static void report(Run run) {
    try {
      GraphResult result = run.run();
      System.out.println("ended: " + result.state());
      System.exit(0);
    } catch (CelestialFlowException e) {
      System.out.println("run failed: " + e.getMessage());
      System.out.println("cause: " + e.getCause());
      System.exit(3);
    }
  }
}
