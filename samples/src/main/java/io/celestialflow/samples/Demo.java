package io.celestialflow.samples;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.StageStats;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@code scripts/demo.sh} runs: the quick start, then a crawler-shaped loop with a live status
 * table. Needs no external service.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args optional: the number of pages to crawl (default 2000)
   */
  public static void main(String[] args) {
    int pages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;

    System.out.println("== Quick start: add(x, y) -> square");
    GraphResult quick = QuickStart.run();
    System.out.println("squares: " + quick.outputs(QuickStart.SQUARE).stream().sorted().toList());

    System.out.println();
    System.out.printf("== Crawl: %d pages, 20 ms simulated latency, 200 virtual threads%n", pages);
    Crawl crawl = new Crawl(pages, Duration.ofMillis(20));
    GraphResult result = crawl.run(Demo::printStatus);
    printStatus(result.stats());
    System.out.printf(
        "%s in %d ms: %d pages indexed, %d failures%n",
        result.state(),
        result.elapsed().toMillis(),
        result.outputs(crawl.indexStage()).size(),
        result.failures().size());
  }

  private static void printStatus(GraphRun run) {
    printStatus(run.status().stages());
  }

  private static void printStatus(java.util.List<StageStats> stages) {
    StringBuilder line = new StringBuilder();
    for (StageStats s : stages) {
      line.append(
          String.format(
              Locale.ROOT,
              "  %-9s recv %6d  ok %6d  dup %5d  retry %3d  pending %5d  in-flight %4d  %8.0f/s",
              s.stage(),
              s.received(),
              s.succeeded(),
              s.duplicates(),
              s.retries(),
              s.pending(),
              s.inFlight(),
              s.ratePerSecond()));
      line.append('\n');
    }
    System.out.print(line);
    System.out.println();
  }
}
