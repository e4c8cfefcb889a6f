package io.celestialflow.redis;

import com.google.gson.reflect.TypeToken;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.PrintStream;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * The graph side of the Go demo ({@code scripts/demo-go.sh}): a Java graph whose remote stages
 * {@code fib} (naive Fibonacci) and {@code sum} (exact 64-bit sums) run in Go workers started with
 *
 * <pre>
 * cfworker -redis URL -graph godemo -stages fib,sum -consumer go-1
 * </pre>
 *
 * and whose results flow into Java stages; prints them and which worker did what. Arguments: the
 * Redis URI, optionally the largest n for fib (default 30).
 */
public final class GoDemo {
  private GoDemo() {}

  /**
   * Runs the demo.
   *
   * @param args the Redis URI, then optionally the largest n
   */
  public static void main(String[] args) {
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    System.exit(run(args[0], n, System.out));
  }

  static int run(String uri, int n, PrintStream out) {
    Map<String, LongAdder> byWorker = new ConcurrentHashMap<>();
    Type longs = new TypeToken<List<Long>>() {}.getType();
    try (RedisBridge redis = RedisBridge.connect(uri)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (redis.status("godemo", "fib").liveWorkers().isEmpty()) {
        if (System.nanoTime() - deadline > 0) {
          out.println("no worker serves graph 'godemo', stage 'fib' at " + uri);
          return 1;
        }
        Thread.sleep(100);
      }
      TaskStage<Integer, Long> fib =
          RemoteStage.map("fib", Integer.class, Long.class)
              .redis(redis)
              .graph("godemo")
              .onResult(r -> byWorker.computeIfAbsent(r.worker(), w -> new LongAdder()).increment())
              .build();
      TaskStage<Long, String> show = TaskStage.map("show", (Long x) -> "fib=" + x).build();
      TaskStage<List<Long>, Long> sum =
          RemoteStage.<List<Long>, Long>map("sum", longs, Long.class)
              .redis(redis)
              .graph("godemo")
              .onResult(r -> byWorker.computeIfAbsent(r.worker(), w -> new LongAdder()).increment())
              .build();
      TaskStage<Long, String> exact = TaskStage.map("exact", (Long x) -> "sum=" + x).build();
      try (TaskGraph graph =
          TaskGraph.builder("godemo")
              .stages(fib, show, sum, exact)
              .edge(fib, show)
              .edge(sum, exact)
              .build()) {
        GraphResult result =
            graph
                .newRun()
                .input(fib, IntStream.rangeClosed(n - 9, n).boxed().toList())
                .input(sum, List.of(List.of(9_007_199_254_740_993L, 1L), List.of(Long.MAX_VALUE)))
                .run();
        List<String> fibs =
            result.outputs(show).stream()
                .sorted((a, b) ->
                    Long.compare(Long.parseLong(a.substring(4)), Long.parseLong(b.substring(4))))
                .toList();
        out.println("fib(" + (n - 9) + ".." + n + "): " + fibs);
        out.println("sums (exact 64-bit): " + result.outputs(exact).stream().sorted().toList());
        Map<String, Long> counts = new TreeMap<>();
        byWorker.forEach((w, c) -> counts.put(w, c.sum()));
        counts.forEach((w, c) -> out.println("worker " + w + " ran " + c + " tasks"));
        out.println("stage fib: " + result.stats("fib"));
        return result.failures().isEmpty() && fibs.size() == 10 && result.outputs(exact).size() == 2
            ? 0
            : 1;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
