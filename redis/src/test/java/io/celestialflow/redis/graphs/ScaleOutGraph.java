package io.celestialflow.redis.graphs;

import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.launch.GraphLauncher;
import io.celestialflow.redis.RedisBridge;
import io.celestialflow.redis.RemoteStage;

/**
 * The scale-out pattern of docs/redis.md: a graph whose {@code square} stage is a remote stage with
 * a local function. Run as usual ({@code --input square=[...]}) it sends the squares through Redis;
 * started with {@code --worker square} — on this machine or many others — the same program serves
 * them. The Redis address comes from {@code CF_REDIS_URL}.
 */
public final class ScaleOutGraph {
  private ScaleOutGraph() {}

  /**
   * The graph: remote {@code square}, then local {@code show}.
   *
   * @param redis the bridge the remote stage sends through
   * @return the graph
   */
  public static TaskGraph graph(RedisBridge redis) {
    TaskStage<Integer, Long> square =
        RemoteStage.map("square", Integer.class, Long.class)
            .redis(redis)
            .graph("scaleout")
            .local((Integer x) -> (long) x * x)
            .build();
    TaskStage<Long, String> show =
        TaskStage.map("show", (Long x) -> "#" + x).taskType(Long.class).build();
    return TaskGraph.builder("scaleout")
        .stages(square, show)
        .edge(square, show)
        .observer(RemoteStage.lineage())
        .build();
  }

  /**
   * Runs the graph, or serves {@code square} with {@code --worker square}.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    String url = System.getenv().getOrDefault("CF_REDIS_URL", "redis://127.0.0.1:6379");
    try (RedisBridge redis = RedisBridge.connect(url)) {
      GraphLauncher.of(ScaleOutGraph.class, graph(redis))
          .input("square", Integer.class)
          .launch(args);
    }
  }
}
