package io.celestialflow.samples;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Stage;
import io.celestialflow.StageKind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A crawler-shaped loop, in the spirit of the original's splitter test: {@code generate} makes the
 * first URLs, {@code urls} (a splitter) turns each list into single URLs, {@code download} (virtual
 * threads, simulated network latency, duplicate checking, retries of flaky fetches) fetches a page,
 * and {@code parse} returns the page's links, which go back to {@code urls} — until no new URL is
 * left, when the run ends by itself. {@code index} keeps one line per downloaded page.
 *
 * <p>The site is simulated: page {@code i} links to pages {@code 2i+1} and {@code 2i+2} below
 * {@code pages}, and back to the root, so every page is found several times but downloaded once.
 * Every 7th page fails once with an {@link IOException} and succeeds on the retry.
 */
public class Crawler {
  /**
   * A downloaded page.
   *
   * @param url its address
   * @param links the addresses it links to
   */
  public record Page(String url, List<String> links) {}

  private final int pages;
  private final Duration latency;
  private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

  /** A site of 2000 pages with 20 ms latency: what the generated runner crawls. */
  public Crawler() {
    this(2000, Duration.ofMillis(20));
  }

  /**
   * A simulated site.
   *
   * @param pages how many pages it has
   * @param latency how long each download takes
   */
  public Crawler(int pages, Duration latency) {
    this.pages = pages;
    this.latency = latency;
  }

  @Stage
  @Edge(to = "urls")
  List<String> generate(String site) {
    return List.of(site + "/page/0");
  }

  @Stage(kind = StageKind.SPLITTER)
  @Edge(to = "download")
  List<String> urls(List<String> urls) {
    return urls;
  }

  @Stage(
      mode = ExecutionMode.THREAD,
      virtualThreads = true,
      workers = 200,
      dedupe = true,
      retryOn = IOException.class,
      maxAttempts = 3,
      backoffMillis = 5)
  @Edge(to = "parse")
  @Edge(to = "index")
  Page download(String url) throws IOException, InterruptedException {
    Thread.sleep(latency);
    int i = Integer.parseInt(url.substring(url.lastIndexOf('/') + 1));
    if (i % 7 == 3 && failedOnce.add(url)) {
      throw new IOException("connection reset while fetching " + url);
    }
    String site = url.substring(0, url.lastIndexOf("/page/"));
    List<String> links = new ArrayList<>();
    for (int child : new int[] {2 * i + 1, 2 * i + 2}) {
      if (child < pages) {
        links.add(site + "/page/" + child);
      }
    }
    links.add(site + "/page/0");
    return new Page(url, links);
  }

  @Stage
  @Edge(to = "urls")
  List<String> parse(Page page) {
    return page.links();
  }

  @Stage
  String index(Page page) {
    return page.url() + " (" + page.links().size() + " links)";
  }
}
