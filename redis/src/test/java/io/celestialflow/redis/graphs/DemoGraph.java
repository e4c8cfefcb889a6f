package io.celestialflow.redis.graphs;

import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.launch.GraphLauncher;
import io.celestialflow.redis.RedisBridge;
import io.celestialflow.redis.RemoteResult;
import io.celestialflow.redis.RemoteStage;
import java.util.function.Consumer;

/**
 * The graph of the Redis demo ({@code scripts/demo-redis.sh}): {@code square} is a remote stage
 * whose local function squares a number (slowly enough that every worker gets some), then {@code
 * show} formats it. Its runner, started with {@code --worker square --redis URL}, is the demo's
 * worker; {@link io.celestialflow.redis.RedisDemo} runs the graph and tells which worker did what.
 */
public final class DemoGraph {
  private DemoGraph() {}

  /**
   * The graph.
   *
   * @param redis the bridge of the remote stage
   * @param onResult hears which worker ran each task
   * @return the graph
   */
  public static TaskGraph graph(RedisBridge redis, Consumer<RemoteResult> onResult) {
    TaskStage<Integer, Long> square =
        RemoteStage.map("square", Integer.class, Long.class)
            .redis(redis)
            .graph("demo")
            .onResult(onResult)
            .local((Integer x) -> {
              Thread.sleep(20);
              return (long) x * x;
            })
            .build();
    TaskStage<Long, String> show =
        TaskStage.map("show", (Long x) -> "#" + x).taskType(Long.class).build();
    return TaskGraph.builder("demo")
        .stages(square, show)
        .edge(square, show)
        .observer(RemoteStage.lineage())
        .build();
  }

  /**
   * Runs the graph ({@code --input square=[1,2,3]}) or serves {@code square} ({@code --worker
   * square --redis URL}); the graph side's Redis is {@code CF_REDIS_URL}.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    String url = System.getenv().getOrDefault("CF_REDIS_URL", "redis://127.0.0.1:6379");
    try (RedisBridge redis = RedisBridge.connect(url)) {
      GraphLauncher.of(DemoGraph.class, graph(redis, r -> {}))
          .input("square", Integer.class)
          .launch(args);
    }
  }
}
