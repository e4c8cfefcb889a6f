package io.celestialflow.samples;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.RetryPolicy;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A crawler-shaped loop, in the spirit of the original's splitter test: {@code download} (virtual
 * threads, simulated network latency, duplicate checking, retries of flaky fetches) feeds {@code
 * links} (a splitter) which feeds every discovered URL back to {@code download}, until no new URL
 * is left; {@code index} collects each page. The site is a tree: page {@code i} links to pages
 * {@code 2i+1} and {@code 2i+2} below {@code pages}, and back to the root, so every page is
 * discovered several times but downloaded once.
 */
public final class Crawl {
  /** A downloaded page and the URLs it links to. */
  public record Page(String url, List<String> links) {}

  private final int pages;
  private final Duration latency;

  /**
   * Creates a crawl of a simulated site.
   *
   * @param pages how many pages the site has
   * @param latency simulated download time per page
   */
  public Crawl(int pages, Duration latency) {
    this.pages = pages;
    this.latency = latency;
  }

  /** The download stage: fetches a URL (simulated); every 7th page fails once, then succeeds. */
  final TaskStage<String, Page> download =
      TaskStage.map("download", this::fetch)
          .virtualThreads(200)
          .dedupe()
          .retry(RetryPolicy.on(IOException.class).maxAttempts(3).backoff(Duration.ofMillis(5)))
          .build();

  /** The splitter: every link of a page is a new download task. */
  final TaskStage<Page, String> links = TaskStage.splitter("links", Page::links).build();

  /** The index: one line per downloaded page. */
  final TaskStage<Page, String> index =
      TaskStage.map("index", (Page p) -> p.url() + " (" + p.links().size() + " links)").build();

  private final java.util.Set<String> failedOnce =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private Page fetch(String url) throws IOException, InterruptedException {
    Thread.sleep(latency);
    int i = Integer.parseInt(url.substring(url.lastIndexOf('/') + 1));
    if (i % 7 == 3 && failedOnce.add(url)) {
      throw new IOException("connection reset while fetching " + url);
    }
    List<String> out = new ArrayList<>();
    for (int child : new int[] {2 * i + 1, 2 * i + 2}) {
      if (child < pages) {
        out.add("https://site.example/page/" + child);
      }
    }
    out.add("https://site.example/page/0");
    return new Page(url, out);
  }

  /**
   * Builds the graph.
   *
   * @return the graph; close it when done
   */
  public TaskGraph graph() {
    return TaskGraph.builder("crawl")
        .stages(download, links, index)
        .edge(download, links)
        .edge(links, download)
        .edge(download, index)
        .build();
  }

  /**
   * Crawls from the root page.
   *
   * @param onStatus called with the live run every so often (for progress), or a no-op
   * @return the result; {@code index} holds one line per page
   */
  public GraphResult run(Consumer<GraphRun> onStatus) {
    try (TaskGraph graph = graph();
        GraphRun run = graph.start(download, List.of("https://site.example/page/0"))) {
      while (!run.isDone()) {
        onStatus.accept(run);
        try {
          run.result().get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          // keep reporting
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return run.await();
    }
  }

  /**
   * The stage that collects the index lines.
   *
   * @return the index stage
   */
  public TaskStage<Page, String> indexStage() {
    return index;
  }
}
