package io.celestialflow.samples;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.StageStats;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;

/**
 * What {@code scripts/demo.sh} runs: the annotated quick start, a router loop, then a
 * crawler-shaped loop with a live status table. Needs no external service.
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

    System.out.println("== Quick start: @Stage add(x, y) -> @Stage square (QuickStartGraph)");
    QuickStartGraph.Result quick = QuickStart.run();
    System.out.println("squares: " + quick.square().stream().sorted().toList());

    System.out.println();
    System.out.println("== Router in a loop: Collatz walks of 1..10 (CollatzGraph)");
    try (CollatzGraph collatz = new CollatzGraph()) {
      List<String> walks =
          collatz.run(LongStream.rangeClosed(1, 10).boxed().toList()).done().stream()
              .sorted(Demo::byStart)
              .toList();
      walks.forEach(w -> System.out.println("  " + w));
    }

    System.out.println();
    System.out.printf(
        "== Crawler loop: %d pages, 20 ms simulated latency, 200 virtual threads (CrawlerGraph)%n",
        pages);
    try (CrawlerGraph crawler = new CrawlerGraph(new Crawler(pages, Duration.ofMillis(20)))) {
      GraphResult result = crawl(crawler, Demo::printStatus);
      printStatus(result.stats());
      System.out.printf(
          "%s in %d ms: %d pages indexed, %d failures%n",
          result.state(),
          result.elapsed().toMillis(),
          crawler.result(result).index().size(),
          result.failures().size());
    }
  }

  /**
   * Crawls the simulated site from its root, reporting the live run every 200 ms.
   *
   * @param crawler the graph
   * @param onStatus called with the live run while it is going
   * @return the result
   */
  static GraphResult crawl(CrawlerGraph crawler, java.util.function.Consumer<GraphRun> onStatus) {
    try (GraphRun run = crawler.newRun().generate(List.of("https://site.example")).start()) {
      while (!run.isDone()) {
        onStatus.accept(run);
        try {
          run.result().get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // still going: report again
        } catch (ExecutionException e) {
          break; // await() reports it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // await() cancels the run
          break;
        }
      }
      return run.await();
    }
  }

  private static int byStart(String a, String b) {
    return Long.compare(start(a), start(b));
  }

  private static long start(String walk) {
    return Long.parseLong(walk.substring(0, walk.indexOf(':')));
  }

  private static void printStatus(GraphRun run) {
    printStatus(run.status().stages());
  }

  private static void printStatus(List<StageStats> stages) {
    StringBuilder line = new StringBuilder();
    for (StageStats s : stages) {
      line.append(
          String.format(
              Locale.ROOT,
              "  %-9s recv %6d  ok %6d  dup %5d  retry %3d  pending %5d  running %4d  %8.0f/s",
              s.stage(),
              s.received(),
              s.succeeded(),
              s.duplicates(),
              s.retries(),
              s.pending(),
              s.running(),
              s.ratePerSecond()));
      line.append('\n');
    }
    System.out.print(line);
    System.out.println();
  }
}
