package io.celestialflow.redis;

import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.redis.graphs.DemoGraph;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * The graph side of the Redis demo ({@code scripts/demo-redis.sh}): squares 1..n through the remote
 * stage of {@link DemoGraph}, served by workers started from the graph's own runner,
 *
 * <pre>
 * java -cp &lt;cp&gt; io.celestialflow.redis.graphs.DemoGraph --worker square --redis URL \
 *     --worker-consumer worker-1
 * </pre>
 *
 * and prints the results and which worker did what. Arguments: the Redis URI, optionally n (default
 * 20).
 */
public final class RedisDemo {
  private RedisDemo() {}

  /**
   * Runs the demo.
   *
   * @param args the Redis URI, then optionally the number of tasks
   */
  public static void main(String[] args) {
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    System.exit(run(args[0], n, System.out));
  }

  static int run(String uri, int n, PrintStream out) {
    Map<String, LongAdder> byWorker = new ConcurrentHashMap<>();
    try (RedisBridge redis = RedisBridge.connect(uri)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (redis.status("demo", "square").liveWorkers().isEmpty()) {
        if (System.nanoTime() - deadline > 0) {
          out.println("no worker serves graph 'demo', stage 'square' at " + uri);
          return 1;
        }
        Thread.sleep(100);
      }
      try (TaskGraph graph =
          DemoGraph.graph(
              redis, r -> byWorker.computeIfAbsent(r.worker(), w -> new LongAdder()).increment())) {
        @SuppressWarnings("unchecked")
        TaskStage<Integer, Long> square = (TaskStage<Integer, Long>) graph.stage("square");
        @SuppressWarnings("unchecked")
        TaskStage<Long, String> show = (TaskStage<Long, String>) graph.stage("show");
        GraphResult result = graph.run(square, IntStream.rangeClosed(1, n).boxed().toList());
        List<String> shown =
            result.outputs(show).stream()
                .sorted((a, b) ->
                    Long.compare(Long.parseLong(a.substring(1)), Long.parseLong(b.substring(1))))
                .toList();
        out.println("results: " + shown);
        Map<String, Long> counts = new TreeMap<>();
        byWorker.forEach((w, c) -> counts.put(w, c.sum()));
        counts.forEach((w, c) -> out.println("worker " + w + " ran " + c + " tasks"));
        out.println("stage square: " + result.stats("square"));
        return result.failures().isEmpty() && shown.size() == n ? 0 : 1;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
