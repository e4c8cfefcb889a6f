package io.celestialflow.dashboard.demo;

import io.celestialflow.Execution;
import io.celestialflow.RetryPolicy;
import io.celestialflow.Routed;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A simulated crawler with every feature the dashboard draws: a cycle (fetch → links → fetch), a
 * splitter, a router, a consumer, four execution modes, retries, and failures of several types.
 *
 * <pre>
 * seed → fetch (4 threads) → links (splitter) ─┐     (links feeds fetch again: a cycle)
 *                  │          ↑_______________┘
 *                  └→ parse (virtual threads) → route (router) → store (serial) | index (async)
 * </pre>
 *
 * Every stage declares its task type, so tasks can be injected from the dashboard, for example
 * {@code {"url": "https://example.org/new", "depth": 0}} into {@code fetch}.
 */
public final class DemoPipeline {
  private DemoPipeline() {}

  /**
   * A page to fetch.
   *
   * @param url its address
   * @param depth how many links away from a seed
   */
  public record Page(String url, int depth) {}

  /**
   * A fetched page.
   *
   * @param url its address
   * @param depth its depth
   * @param size its length in bytes
   */
  public record Doc(String url, int depth, int size) {}

  /**
   * What parsing a page found.
   *
   * @param url the page
   * @param words how many words
   */
  public record Entry(String url, int words) {}

  /** How deep the crawl follows links from each seed. */
  static final int MAX_DEPTH = 3;

  /**
   * Builds the graph.
   *
   * @param slowness multiplies every simulated latency (1 for the demo, 0 in tests)
   * @return the graph
   */
  public static TaskGraph graph(double slowness) {
    Executor later = CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS);
    TaskStage<Page, Doc> fetch =
        TaskStage.<Page, Doc>map("fetch", p -> fetch(p, slowness))
            .taskType(Page.class)
            .execution(Execution.threads(4))
            .retry(RetryPolicy.on(IOException.class).maxAttempts(3).backoff(Duration.ofMillis(20)))
            .build();
    TaskStage<Doc, Page> links =
        TaskStage.<Doc, Page>splitter("links", DemoPipeline::links).taskType(Doc.class).build();
    TaskStage<Doc, Entry> parse =
        TaskStage.<Doc, Entry>map("parse", d -> parse(d, slowness))
            .taskType(Doc.class)
            .execution(Execution.virtualThreads(32))
            .build();
    TaskStage<Entry, Entry> route =
        TaskStage.<Entry, Entry>router(
                "route", e -> Routed.to(e.words() % 2 == 0 ? "store" : "index", e))
            .taskType(Entry.class)
            .build();
    TaskStage<Entry, Void> store =
        TaskStage.<Entry>consumer("store", e -> sleep(slowness * 0.4))
            .taskType(Entry.class)
            .build();
    TaskStage<Entry, String> index =
        TaskStage.<Entry, String>async("index", e -> index(e, slowness, later))
            .taskType(Entry.class)
            .execution(Execution.async(16))
            .build();
    return TaskGraph.builder("demo-crawler")
        .stages(fetch, links, parse, route, store, index)
        .edge(fetch, links)
        .edge(links, fetch)
        .edge(fetch, parse)
        .edge(parse, route)
        .edge(route, store)
        .edge(route, index)
        .build();
  }

  private static Doc fetch(Page p, double slowness) throws IOException {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    sleep(slowness * (2 + r.nextInt(6)));
    if (r.nextInt(100) < 4) {
      throw new IOException("connection reset fetching " + p.url());
    }
    if (p.url().contains("<")) {
      throw new IllegalArgumentException("not a URL: " + p.url());
    }
    return new Doc(p.url(), p.depth(), 500 + r.nextInt(20_000));
  }

  private static List<Page> links(Doc d) {
    if (d.depth() >= MAX_DEPTH) {
      return List.of();
    }
    List<Page> out = new ArrayList<>(3);
    for (int i = 0; i < 3; i++) {
      out.add(new Page(d.url() + "/" + i, d.depth() + 1));
    }
    return out;
  }

  private static Entry parse(Doc d, double slowness) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    sleep(slowness * (1 + r.nextInt(8)));
    int roll = r.nextInt(1000);
    if (roll < 15) {
      throw new NumberFormatException("bad charset header in " + d.url());
    }
    if (roll < 25) {
      throw new IllegalStateException("unbalanced tags in " + d.url());
    }
    return new Entry(d.url(), d.size() / 6);
  }

  private static CompletionStage<String> index(Entry e, double slowness, Executor later) {
    long ms = Math.round(slowness * (3 + ThreadLocalRandom.current().nextInt(10)));
    return CompletableFuture.supplyAsync(
        () -> {
          if (e.words() % 97 == 0) {
            throw new IllegalStateException(new TimeoutException("index shard busy"));
          }
          return e.url();
        },
        CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS, later));
  }

  private static void sleep(double ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(Duration.ofNanos((long) (ms * 1_000_000)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
